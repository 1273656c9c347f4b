package io.realmcluster.dataplane.transfer;

import io.prometheus.metrics.core.metrics.Histogram;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.store.Departure;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.TransferAccepted;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a transfer's outcome reaches the map the character leaves: an input on the map's ingress
 * (DEPARTED, DEPART_FAILED, TRANSFER_LOST), put there from a transfer thread, which waits for room
 * rather than drop it. Each returns false when the map is gone, so nobody plays the character here.
 */
final class MapNotices {
    private static final Logger LOG = LoggerFactory.getLogger(MapNotices.class);
    private static final int TELL_ATTEMPTS = 1_000;
    private static final long TELL_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final SourceMaps maps;
    private final Departures.Redirector redirector;
    private final Histogram redirected;
    private final EpochClock epochClock;
    private final Pause pause;

    @FunctionalInterface
    private interface Encoder {
        void encode(MutableDirectBuffer buffer, int index);
    }

    MapNotices(
            final SourceMaps maps,
            final Departures.Redirector redirector,
            final Histogram redirected,
            final EpochClock epochClock,
            final Pause pause) {
        this.maps = maps;
        this.redirector = redirector;
        this.redirected = redirected;
        this.epochClock = epochClock;
        this.pause = pause;
    }

    /** The target claimed it: its client goes to {@code instanceId} with the target's token, and its map lets it go. */
    boolean departed(final Departure departure, final TransferAccepted accepted, final String instanceId) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int length = ServerMessages.redirect(
                frame,
                0,
                accepted.getClient().getHost(),
                accepted.getClient().getPort(),
                accepted.getToken().toByteArray(),
                instanceId);
        // The client goes now; the map, at its next tick, only lets the character go. When the
        // session cannot be reached from here, the map sends the REDIRECT itself.
        final boolean told =
                redirector.redirect(departure.session(), departure.characterId(), frame.byteArray(), length);
        if (departure.frozenAtMillis() > 0) {
            // Told directly or by its map within a tick: this is when the REDIRECT left this node's transfer side.
            redirected.observe(Math.max(0, epochClock.time() - departure.frozenAtMillis()) / 1000.0);
        }
        final int forMap = told ? 0 : length;
        return tell(
                departure,
                Inputs.DEPARTED,
                (buffer, index) -> Inputs.encodeDeparted(
                        buffer, index, departure.characterId(), departure.session(), frame, forMap),
                Inputs.DEPARTED_FRAME + forMap);
    }

    /** The transfer was called off: the character plays on in its map at {@code epoch}. */
    boolean departFailed(final Departure departure, final long epoch) {
        return tell(
                departure,
                Inputs.DEPART_FAILED,
                (buffer, index) ->
                        Inputs.encodeDepartFailed(buffer, index, departure.characterId(), departure.session(), epoch),
                Inputs.FAILED_LENGTH);
    }

    /** Neither here nor redirected: the map drops the character and disconnects its client. */
    boolean lost(final Departure departure) {
        return tell(
                departure,
                Inputs.TRANSFER_LOST,
                (buffer, index) -> Inputs.encodeCharacterLost(
                        buffer, index, departure.characterId(), departure.session(), departure.epoch()),
                Inputs.LOST_LENGTH);
    }

    /** Put an input on the departure's map; false when the map is gone. Waits (briefly, off the tick) for room. */
    private boolean tell(final Departure departure, final int type, final Encoder encoder, final int length) {
        final RingClaim claim = new RingClaim();
        for (int attempt = 0; attempt < TELL_ATTEMPTS; attempt++) {
            final Ingress ingress = maps.ingress(departure.mapHandle());
            if (ingress == null) {
                return false;
            }
            try (RingClaim claimed = ingress.claim(claim, type, length)) {
                if (claimed.claimed()) {
                    encoder.encode(claimed.buffer(), claimed.index());
                    claimed.commit();
                    return true;
                }
            }
            pause.pauseNanos(TELL_RETRY_NANOS);
        }
        LOG.warn(
                "the map of character {} took no input for {} s",
                departure.characterId(),
                TimeUnit.NANOSECONDS.toSeconds(TELL_ATTEMPTS * TELL_RETRY_NANOS));
        return false;
    }
}
