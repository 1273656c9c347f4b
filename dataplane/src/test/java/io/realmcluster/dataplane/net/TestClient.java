package io.realmcluster.dataplane.net;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.world.FrameText;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.Frames;
import io.realmcluster.proto.client.ServerMessages;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.agrona.concurrent.UnsafeBuffer;

/** A blocking game client for tests: writes frames, reads the node's frames as text lines. */
final class TestClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final UnsafeBuffer buffer =
            new UnsafeBuffer(new byte[ClientProtocol.LENGTH_PREFIX + ClientProtocol.MAX_BODY + 64]);
    private final List<String> lines = new ArrayList<>();
    private final FrameText text = new FrameText(lines);
    long sessionId;
    byte[] cookie;

    TestClient(final HostPort node) throws IOException {
        this(connect(node, null));
    }

    /** A client whose connection leaves from {@code localAddress} (null: any; on Linux any of 127/8 is loopback). */
    TestClient(final HostPort node, final String localAddress) throws IOException {
        this(connect(node, localAddress));
    }

    private TestClient(final Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(200);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * A client over TLS that trusts what {@code tls} trusts and checks that the node's certificate
     * names the host it dialed; the handshake is done when this returns (or failed with an SSLException).
     */
    static TestClient overTls(final HostPort node, final SSLContext tls) throws IOException {
        final Socket plain = connect(node, null);
        final SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, node.host(), node.port(), true);
        final SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5_000);
        try {
            socket.startHandshake();
        } catch (final IOException e) {
            socket.close();
            throw e;
        }
        return new TestClient(socket);
    }

    private static Socket connect(final HostPort node, final String localAddress) throws IOException {
        final Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(node.host(), node.port()), 5_000);
        return socket;
    }

    /** The TLS session, or null for a plaintext client. */
    SSLSession tlsSession() {
        return socket instanceof SSLSocket tls ? tls.getSession() : null;
    }

    /** Send one frame whose body {@code encoder} writes at the offset it is given (returning the body length). */
    void send(final IntUnaryOperator encoder) throws IOException {
        final int body = encoder.applyAsInt(ClientProtocol.LENGTH_PREFIX);
        final int length = Frames.prefix(buffer, 0, body);
        out.write(buffer.byteArray(), 0, length);
        out.flush();
    }

    /** Send raw bytes, framing and all. */
    void sendRaw(final byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The token of the last REDIRECT read, or null. */
    byte[] redirectToken() {
        return text.redirectToken();
    }

    byte[] standbyToken() {
        return text.standbyToken();
    }

    /** The lines read and not yet matched by {@link #await}. */
    List<String> unmatched() {
        return lines;
    }

    UnsafeBuffer buffer() {
        return buffer;
    }

    /** Read frames until one matches, or fail at the deadline; returns the matching line. */
    String await(final Predicate<String> match, final Duration deadline) throws IOException {
        final long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            for (final String line : lines) {
                if (match.test(line)) {
                    lines.remove(line);
                    return line;
                }
            }
            if (!readOne()) {
                throw new EOFException("connection closed; frames seen: " + lines);
            }
        }
        throw new AssertionError("no matching frame within " + deadline + "; frames seen: " + lines);
    }

    /** Read until the node closes the connection (or the deadline); returns every line seen. */
    List<String> readUntilClosed(final Duration deadline) throws IOException {
        final long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (!readOne()) {
                return lines;
            }
        }
        throw new AssertionError("connection still open after " + deadline + "; frames seen: " + lines);
    }

    /** One frame into {@code lines}; false when the connection is closed. A read timeout is not an error. */
    private boolean readOne() throws IOException {
        final int low;
        try {
            low = in.read();
        } catch (final SocketTimeoutException quiet) {
            return true;
        } catch (final SocketException reset) {
            return false;
        }
        if (low < 0) {
            return false;
        }
        socket.setSoTimeout(5_000);
        try {
            final int length = low | (in.readUnsignedByte() << 8);
            final byte[] body = new byte[length];
            in.readFully(body);
            final UnsafeBuffer view = new UnsafeBuffer(body);
            if (body.length > 0 && body[0] == ClientProtocol.WELCOME) {
                sessionId = view.getLong(ClientProtocol.WELCOME_SESSION, ByteOrder.LITTLE_ENDIAN);
                cookie = new byte[ClientProtocol.COOKIE_BYTES];
                view.getBytes(ClientProtocol.WELCOME_COOKIE, cookie);
            }
            if (ServerMessages.decode(view, 0, length, text) != null) {
                lines.add("undecodable");
            }
            return true;
        } catch (final EOFException closed) {
            return false;
        } finally {
            socket.setSoTimeout(200);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
