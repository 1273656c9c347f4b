package io.realmcluster.controlplane.battleground;

import io.realmcluster.common.concurrent.Threads;
import io.realmcluster.controlplane.etcd.EtcdUnavailableException;
import io.realmcluster.controlplane.nodelink.NodeLinkService;
import io.realmcluster.proto.v1.BattlegroundInvites;
import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MatchSeat;
import io.realmcluster.proto.v1.SeatState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each node whose link this replica holds the matches with seats of its players (the seat's
 * node), whenever that set changes, and in full on a new link (every replica runs one, woken by
 * its watch of etcd; the leader need not hold the link). Seats still only proposed are left out:
 * nobody is told of a seat before its invite.
 */
public final class InvitePublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InvitePublisher.class);
    private static final long RESYNC_MS = 1_000;

    private final MatchStore matches;
    private final NodeLinkService links;
    private final ScheduledExecutorService thread = Threads.singleThread("invite-publisher");
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** Thread-owned: the set last pushed to each link, by identity of the link. */
    private final Map<Object, BattlegroundInvites> lastPushed = new HashMap<>();

    public InvitePublisher(final MatchStore matches, final NodeLinkService links) {
        this.matches = matches;
        this.links = links;
    }

    public InvitePublisher start() {
        thread.scheduleWithFixedDelay(this::publish, RESYNC_MS, RESYNC_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Matches or links changed: publish soon (coalesced). */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            Threads.executeUnlessClosed(thread, () -> {
                wakeQueued.set(false);
                publish();
            });
        }
    }

    private void publish() {
        final List<NodeLinkService.Link> open = links.openLinks();
        lastPushed
                .keySet()
                .retainAll(open.stream().map(NodeLinkService.Link::identity).toList());
        if (open.isEmpty()) {
            return;
        }
        final List<BattlegroundMatch> all;
        try {
            all = matches.matches().stream().map(MatchStore.Stored::value).toList();
        } catch (final EtcdUnavailableException e) {
            LOG.debug("invites not published: {}", e.getMessage());
            return;
        }
        for (final NodeLinkService.Link link : open) {
            final BattlegroundInvites set = of(all, link.nodeId());
            final BattlegroundInvites last = lastPushed.get(link.identity());
            if ((last != null || set.getMatchesCount() > 0) && !set.equals(last) && link.push(set)) {
                lastPushed.put(link.identity(), set);
            }
        }
    }

    /** The matches with seats on {@code nodeId}, only those seats in each. */
    static BattlegroundInvites of(final List<BattlegroundMatch> all, final String nodeId) {
        final BattlegroundInvites.Builder set = BattlegroundInvites.newBuilder();
        for (final BattlegroundMatch match : all) {
            final BattlegroundMatch.Builder mine = match.toBuilder().clearSeats();
            for (final MatchSeat seat : match.getSeatsList()) {
                if (seat.getNodeId().equals(nodeId) && seat.getState() != SeatState.SEAT_STATE_PROPOSED) {
                    mine.addSeats(seat);
                }
            }
            if (mine.getSeatsCount() > 0) {
                set.addMatches(mine);
            }
        }
        return set.build();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
