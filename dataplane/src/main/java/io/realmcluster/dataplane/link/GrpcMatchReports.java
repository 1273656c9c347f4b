package io.realmcluster.dataplane.link;

import io.grpc.Channel;
import io.realmcluster.dataplane.net.MatchReports;
import io.realmcluster.proto.v1.BattlegroundsGrpc;
import io.realmcluster.proto.v1.Faction;
import io.realmcluster.proto.v1.ReportLeftRequest;
import io.realmcluster.proto.v1.ReportResultRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The control plane's Battlegrounds.ReportLeft and ReportResult as {@link MatchReports}: blocking calls with a deadline. */
public final class GrpcMatchReports implements MatchReports {
    static final Duration DEADLINE = Duration.ofSeconds(2);

    private final Channel channel;

    /** Over {@code channel} to the control planes' internal listeners (a follower forwards to the leader). */
    public GrpcMatchReports(final Channel channel) {
        this.channel = channel;
    }

    @Override
    public void left(final String realm, final long characterId, final String matchId, final boolean deserted) {
        stub().reportLeft(ReportLeftRequest.newBuilder()
                .setRealm(realm)
                .setCharacterId(characterId)
                .setMatchId(matchId)
                .setDeserted(deserted)
                .build());
    }

    @Override
    public void result(
            final String matchId,
            final int winner,
            final boolean draw,
            final long allianceScore,
            final long hordeScore) {
        stub().reportResult(ReportResultRequest.newBuilder()
                .setMatchId(matchId)
                .setWinner(draw ? Faction.FACTION_UNSPECIFIED : Faction.forNumber(winner))
                .setDraw(draw)
                .setAllianceScore(allianceScore)
                .setHordeScore(hordeScore)
                .build());
    }

    private BattlegroundsGrpc.BattlegroundsBlockingStub stub() {
        return BattlegroundsGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
