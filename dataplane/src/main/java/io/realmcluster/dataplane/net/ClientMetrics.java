package io.realmcluster.dataplane.net;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.FrameError;

/** The client side's counters: frames refused and sessions closed by reason, sessions' changes of state, bytes, inputs dropped. */
public final class ClientMetrics {
    private final Counter rejectedFrames;
    private final Counter disconnects;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter framesOut;
    private final Counter writesOut;
    private final Counter droppedInputs;
    private final Counter datagrams;
    private final Counter logins;
    private final Histogram arrivals;
    private final Counter standbys;
    private final Counter transitions;
    private final Counter connectionsRefused;
    private final Counter chatRefused;

    static final String STANDBY_OPENED = "opened";
    static final String STANDBY_ENTERED = "entered";

    public ClientMetrics(final PrometheusRegistry registry, final ClientSessions sessions) {
        rejectedFrames = Counter.builder()
                .name("realm_node_rejected_frames")
                .help("Client frames and datagrams refused before reaching a map, by reason")
                .labelNames("reason")
                .register(registry);
        for (final FrameError error : FrameError.values()) {
            rejectedFrames.labelValues(error.label());
        }
        disconnects = Counter.builder()
                .name("realm_node_client_disconnects")
                .help("Client sessions closed by the node or the client, by reason")
                .labelNames("reason")
                .register(registry);
        bytesIn = Counter.builder()
                .name("realm_node_client_bytes_received")
                .help("Bytes received from game clients, TCP and UDP")
                .register(registry);
        bytesOut = Counter.builder()
                .name("realm_node_client_bytes_sent")
                .help("Bytes sent to game clients")
                .register(registry);
        framesOut = Counter.builder()
                .name("realm_node_client_frames_sent")
                .help("Frames sent to game clients (state updates, chat, replies to their inputs)")
                .register(registry);
        writesOut = Counter.builder()
                .name("realm_node_client_writes")
                .help(
                        "Writes to game clients' sockets: each carries every frame gathered for its session since the last; "
                                + "fewer writes than ticks per session means its thread fell behind and frames were sent together")
                .register(registry);
        datagrams = Counter.builder()
                .name("realm_node_client_datagrams")
                .help("UDP datagrams taken from game clients (a session's own, within its rate)")
                .register(registry);
        droppedInputs = Counter.builder()
                .name("realm_node_dropped_inputs")
                .help("Client inputs dropped because a map's ingress ring was full")
                .register(registry);
        logins = Counter.builder()
                .name("realm_node_client_logins")
                .help("Sessions that showed a valid token")
                .register(registry);
        arrivals = Histogram.builder()
                .name("realm_node_transfer_arrival_seconds")
                .help("Transferred characters: from the tick their source froze them to their join reaching a map here "
                        + "(the map lets them in at its next tick); wall clocks of both nodes")
                .classicOnly()
                .classicUpperBounds(Arrivals.BUCKET_SECONDS)
                .register(registry);
        standbys = Counter.builder()
                .name("realm_node_client_standbys")
                .help(
                        "Second connections of players whose map moves to this node (STANDBY_HELLO): opened, and entered when "
                                + "their transfer came (the hand-over needed no reconnect)")
                .labelNames("step")
                .register(registry);
        for (final String step : new String[] {STANDBY_OPENED, STANDBY_ENTERED}) {
            standbys.labelValues(step);
        }
        transitions = Counter.builder()
                .name("realm_node_client_session_transitions")
                .help(
                        "Client sessions' changes of state (new, standby, claiming, authenticated, in_world, leaving, closed)")
                .labelNames("from", "to")
                .register(registry);
        connectionsRefused = Counter.builder()
                .name("realm_node_client_connections_refused")
                .help("Client connections closed as they were accepted, by reason (accept_rate; pending_per_address, "
                        + "pending_total: too many connections that have not said HELLO)")
                .labelNames("reason")
                .register(registry);
        for (final String reason : new String[] {
            ConnectionGate.ACCEPT_RATE, ConnectionGate.PENDING_PER_ADDRESS, ConnectionGate.PENDING_TOTAL
        }) {
            connectionsRefused.labelValues(reason);
        }
        chatRefused = Counter.builder()
                .name("realm_node_chat_refused")
                .help("Chat lines refused because their player spoke faster than the chat rate")
                .register(registry);
        GaugeWithCallback.builder()
                .name("realm_node_client_sessions")
                .help("Open game client sessions")
                .callback(cb -> cb.call(sessions.open()))
                .register(registry);
    }

    /** Counters that go nowhere, for tests that do not scrape. */
    public static ClientMetrics unregistered(final ClientSessions sessions) {
        return new ClientMetrics(new PrometheusRegistry(), sessions);
    }

    void connectionRefused(final String reason) {
        connectionsRefused.labelValues(reason).inc();
    }

    /** Connections closed at accept for {@code reason} so far (tests). */
    double connectionsRefused(final String reason) {
        return connectionsRefused.labelValues(reason).get();
    }

    void chatRefused() {
        chatRefused.inc();
    }

    /** Chat lines refused so far (tests). */
    double chatRefusedCount() {
        return chatRefused.get();
    }

    void datagramTaken() {
        datagrams.inc();
    }

    void rejected(final FrameError error) {
        rejectedFrames.labelValues(error.label()).inc();
    }

    void disconnected(final DisconnectReason reason) {
        disconnected(reason.label());
    }

    void disconnected(final String reason) {
        disconnects.labelValues(reason).inc();
    }

    /** Sessions closed for {@code reason} so far (tests). */
    public double disconnectCount(final String reason) {
        return disconnects.labelValues(reason).get();
    }

    void received(final int bytes) {
        bytesIn.inc(bytes);
    }

    void frameSent() {
        framesOut.inc();
    }

    void sent(final int bytes) {
        writesOut.inc();
        bytesOut.inc(bytes);
    }

    /** Frames taken from the maps for sessions so far (tests). */
    double framesSent() {
        return framesOut.get();
    }

    void droppedInput() {
        droppedInputs.inc();
    }

    void loggedIn() {
        logins.inc();
    }

    void arrived(final long millisSinceFrozen) {
        arrivals.observe(Math.max(0, millisSinceFrozen) / 1000.0);
    }

    void standby(final String step) {
        standbys.labelValues(step).inc();
    }

    /** Standby connections at {@code step} so far (tests). */
    double standbyCount(final String step) {
        return standbys.labelValues(step).get();
    }

    void transition(final SessionState from, final SessionState to) {
        transitions.labelValues(from.label(), to.label()).inc();
    }

    /** Sessions that went from {@code from} to {@code to} so far (tests). */
    double transitionCount(final SessionState from, final SessionState to) {
        return transitions.labelValues(from.label(), to.label()).get();
    }

    /** Frames refused for {@code error} so far (tests). */
    public double rejectedCount(final FrameError error) {
        return rejectedFrames.labelValues(error.label()).get();
    }
}
