package io.realmcluster.controlplane.battleground;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.proto.v1.BattlegroundAdminGrpc;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.GetMatchRequest;
import io.realmcluster.proto.v1.ListMatchesRequest;
import io.realmcluster.proto.v1.ListMatchesResponse;

/** The matches for operators, read from etcd on any replica. */
public final class BattlegroundAdminService extends BattlegroundAdminGrpc.BattlegroundAdminImplBase {
    private final MatchStore matches;

    public BattlegroundAdminService(final MatchStore matches) {
        this.matches = matches;
    }

    @Override
    public void listMatches(final ListMatchesRequest request, final StreamObserver<ListMatchesResponse> response) {
        try {
            final ListMatchesResponse.Builder all = ListMatchesResponse.newBuilder();
            matches.matches().forEach(m -> all.addMatches(m.value()));
            response.onNext(all.build());
            response.onCompleted();
        } catch (final EtcdUnavailableException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void getMatch(final GetMatchRequest request, final StreamObserver<BattlegroundMatch> response) {
        try {
            if (request.getMatchId().isEmpty() || request.getMatchId().contains("/")) {
                throw Status.INVALID_ARGUMENT
                        .withDescription("a match id is the one `realmctl get battlegrounds` shows, got '"
                                + request.getMatchId() + "'")
                        .asRuntimeException();
            }
            response.onNext(matches.match(request.getMatchId())
                    .orElseThrow(() -> Status.NOT_FOUND
                            .withDescription("no match " + request.getMatchId() + " (ended matches are kept "
                                    + MatchController.ENDED_KEPT.toMinutes() + " minutes)")
                            .asRuntimeException())
                    .value());
            response.onCompleted();
        } catch (final StatusRuntimeException e) {
            response.onError(e);
        } catch (final EtcdUnavailableException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        }
    }
}
