package io.realmcluster.tools;

import io.realmcluster.common.tls.Pki;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.function.ToIntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A game client for process tests over TLS (trusting the realm's CA, checking the node's host) or a
 * plain socket: sends frames, reads until the frame it waits for.
 */
final class RawGameClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final UnsafeBuffer buffer =
            new UnsafeBuffer(new byte[ClientProtocol.LENGTH_PREFIX + ClientProtocol.MAX_BODY]);

    RawGameClient(final String host, final int port, final Duration deadline) throws IOException {
        this(host, port, deadline, null);
    }

    /** Over TLS when {@code ca} (the realm's CA certificate) is given, in plaintext otherwise. */
    RawGameClient(final String host, final int port, final Duration deadline, final Path ca) throws IOException {
        final Socket plain = new Socket();
        plain.connect(new InetSocketAddress(host, port), (int) deadline.toMillis());
        if (ca == null) {
            socket = plain;
        } else {
            final SSLSocket tls = (SSLSocket) trusting(ca).getSocketFactory().createSocket(plain, host, port, true);
            final SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.setSoTimeout((int) deadline.toMillis());
            tls.startHandshake();
            socket = tls;
        }
        socket.setSoTimeout((int) deadline.toMillis());
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** TLS trusting only the realm's CA at {@code ca}. */
    static SSLContext trusting(final Path ca) throws IOException {
        try {
            final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("realm-ca", Pki.readCertificate(ca));
            final TrustManagerFactory trust =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (final GeneralSecurityException e) {
            throw new IOException("cannot trust " + ca + ": " + e.getMessage(), e);
        }
    }

    /** Send one frame whose body {@code body} writes at the offset it is given, returning its length. */
    void send(final ToIntFunction<UnsafeBuffer> body) throws IOException {
        final int length = body.applyAsInt(buffer);
        final byte[] frame = new byte[ClientProtocol.LENGTH_PREFIX + length];
        frame[0] = (byte) length;
        frame[1] = (byte) (length >>> 8);
        buffer.getBytes(ClientProtocol.LENGTH_PREFIX, frame, ClientProtocol.LENGTH_PREFIX, length);
        out.write(frame);
        out.flush();
    }

    /** The body of the next frame with {@code opcode}, skipping others; fails on the socket's deadline or a DISCONNECT. */
    byte[] await(final byte opcode) throws IOException {
        while (true) {
            final byte[] body = next();
            if (body[0] == opcode) {
                return body;
            }
            if (body[0] == ClientProtocol.DISCONNECT) {
                throw new IllegalStateException("disconnected while waiting for frame " + opcode + ": "
                        + DisconnectReason.of(body[ClientProtocol.DISCONNECT_REASON] & 0xFF));
            }
        }
    }

    /** The reason of the DISCONNECT the node closes this connection with, skipping other frames. */
    DisconnectReason awaitDisconnect() throws IOException {
        while (true) {
            final byte[] body = next();
            if (body[0] == ClientProtocol.DISCONNECT) {
                return DisconnectReason.of(body[ClientProtocol.DISCONNECT_REASON] & 0xFF);
            }
        }
    }

    private byte[] next() throws IOException {
        final int length = in.readUnsignedByte() | in.readUnsignedByte() << 8;
        final byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
