package io.realmcluster.proto.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Arbitrary bytes into both decoders: each returns a refusal or calls its handler, never throws,
 * never reads past the body. In the normal suite this replays the seeds under
 * src/test/resources; {@code JAZZER_FUZZ=1} fuzzes.
 */
class DecoderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decodersRefuseOrAcceptAnyBytesWithoutThrowing(final byte[] input) {
        // The body sits between guard bytes: a decoder reading past it would see 0x7F, not throw.
        final byte[] framed = new byte[input.length + 2];
        framed[0] = 0x7F;
        framed[framed.length - 1] = 0x7F;
        System.arraycopy(input, 0, framed, 1, input.length);
        final UnsafeBuffer exact = new UnsafeBuffer(input);
        final Recorder recorder = new Recorder();
        final FrameError client = ClientMessages.decode(exact, 0, input.length, recorder);
        final FrameError server = ServerMessages.decode(exact, 0, input.length, recorder);
        assertThat(recorder.seen).hasSize((client == null ? 1 : 0) + (server == null ? 1 : 0));
        // The same body inside a larger buffer decodes the same way: nothing outside it matters.
        final Recorder inside = new Recorder();
        assertThat(ClientMessages.decode(new UnsafeBuffer(framed), 1, input.length, inside))
                .isEqualTo(client);
        assertThat(ServerMessages.decode(new UnsafeBuffer(framed), 1, input.length, inside))
                .isEqualTo(server);
        assertThat(inside.seen).isEqualTo(recorder.seen);
    }
}
