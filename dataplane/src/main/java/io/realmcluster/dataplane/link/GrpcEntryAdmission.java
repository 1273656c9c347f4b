package io.realmcluster.dataplane.link;

import io.grpc.Channel;
import io.realmcluster.dataplane.transfer.EntryAdmission;
import io.realmcluster.proto.v1.AdmitEntryRequest;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The control plane's Battlegrounds.AdmitEntry as an {@link EntryAdmission}: one blocking call, with a deadline. */
public final class GrpcEntryAdmission implements EntryAdmission {
    static final Duration DEADLINE = Duration.ofSeconds(2);

    private final Channel channel;

    /** Over {@code channel} to the control planes' internal listeners (a follower forwards to the leader). */
    public GrpcEntryAdmission(final Channel channel) {
        this.channel = channel;
    }

    @Override
    public int admit(final String realm, final long characterId, final String matchId, final String instanceId) {
        return admit(realm, characterId, matchId, instanceId, "");
    }

    @Override
    public int admit(
            final String realm,
            final long characterId,
            final String matchId,
            final String instanceId,
            final String transferId) {
        return BattlegroundsGrpc.newBlockingStub(channel)
                .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .admitEntry(AdmitEntryRequest.newBuilder()
                        .setRealm(realm)
                        .setCharacterId(characterId)
                        .setMatchId(matchId)
                        .setInstanceId(instanceId)
                        .setTransferId(transferId)
                        .build())
                .getTeamValue();
    }
}
