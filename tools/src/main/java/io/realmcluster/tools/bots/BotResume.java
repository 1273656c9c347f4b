package io.realmcluster.tools.bots;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.ResumeRequest;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A bot's way back into the world after its node connection broke without a DISCONNECT (its node
 * died), as a real client's: wait a {@link ReconnectBackoff}, call Login.Resume with the latest resume
 * credential, connect to the node it names and enter; a try that is told to wait (UNAVAILABLE: the map is
 * not running yet; RESOURCE_EXHAUSTED: busy), or whose node cannot be reached or let it in, is tried
 * again after the next backoff, until {@link #DEADLINE_NANOS} after the break. Runs on the bot's loop
 * thread; the gRPC answers come back to it through the fleet.
 */
final class BotResume {
    /** How long after the break a bot keeps trying before it counts as lost. */
    static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final long CALL_DEADLINE_SECONDS = 10;

    private final Bot bot;
    private final BotFleet fleet;
    private final String realm;
    private long characterId;
    /** The credential of the last Login or Resume; null before the first Login answered. */
    private byte[] credential;
    /** When the connection broke, nano time; 0 while the bot is not on its way back. */
    private long brokeAtNanos;

    private int attempt;
    private String lastProblem = "";
    private final BotResumeSteps steps = new BotResumeSteps();

    BotResume(final Bot bot, final BotFleet fleet, final String realm) {
        this.bot = bot;
        this.fleet = fleet;
        this.realm = realm;
    }

    /** Login or Resume answered: the credential to come back with next time. */
    void remember(final LoginResponse response) {
        if (!response.getResumeCredential().isEmpty()) {
            characterId = response.getCharacter().getCharacterId();
            credential = response.getResumeCredential().toByteArray();
        }
    }

    /** Whether a broken connection can be resumed: the control plane gave a credential. */
    boolean possible() {
        return credential != null;
    }

    /** Whether the bot is on its way back after a break. */
    boolean active() {
        return brokeAtNanos != 0;
    }

    /** The connection broke at {@code now}: the first try after a backoff. */
    void start(final long now) {
        brokeAtNanos = now;
        steps.reset();
        fleet.resuming(1);
        attempt = 0;
        lastProblem = "the connection closed without DISCONNECT";
        next();
    }

    /** The try failed ({@code problem}, for the report if it was the last): the next after a backoff. */
    void retry(final String problem) {
        lastProblem = problem;
        next();
    }

    /** Back in the world at {@code now}: the time since the break, nanoseconds; the bot is no longer resuming. */
    long finish(final long now) {
        final long took = Math.max(0, now - brokeAtNanos);
        steps.back(brokeAtNanos, now, bot.loop.resumeSteps);
        abandon();
        return took;
    }

    /** The node it was sent to let it in (WELCOME). */
    void welcomed(final long now) {
        steps.welcomed(now);
    }

    /** The bot is no longer on its way back (back, given up, or the run ended). */
    void abandon() {
        if (brokeAtNanos != 0) {
            brokeAtNanos = 0;
            fleet.resuming(-1);
        }
    }

    private void next() {
        final long delayMillis = ReconnectBackoff.delayMillis(attempt++, bot.loop.random);
        final long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        if (due - brokeAtNanos > DEADLINE_NANOS) {
            abandon();
            bot.resumeGaveUp("not back in the world within " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NANOS)
                    + " s of the break (" + attempt + " tries); last: " + lastProblem);
            return;
        }
        try {
            bot.loop.eventLoop.schedule(this::call, delayMillis, TimeUnit.MILLISECONDS);
        } catch (final RejectedExecutionException stopped) {
            // The run is over: the loop no longer runs anything.
            abandon();
        }
    }

    private void call() {
        final ManagedChannel grpc = fleet.loginChannel();
        if (fleet.stopping() || grpc == null || !active()) {
            bot.resumeStopped();
            return;
        }
        steps.called(System.nanoTime());
        final ResumeRequest request = ResumeRequest.newBuilder()
                .setRealm(realm)
                .setCharacterId(characterId)
                .setCredential(ByteString.copyFrom(credential))
                .build();
        LoginGrpc.newStub(grpc)
                .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
                .resume(request, new StreamObserver<>() {
                    private LoginResponse response;

                    @Override
                    public void onNext(final LoginResponse value) {
                        response = value;
                    }

                    @Override
                    public void onError(final Throwable t) {
                        fleet.execute(bot.loop, () -> refused(Status.fromThrowable(t)));
                    }

                    @Override
                    public void onCompleted() {
                        // Resolved here, on a gRPC thread, not on the event loop.
                        final InetSocketAddress address = new InetSocketAddress(
                                response.getNodeClient().getHost(),
                                response.getNodeClient().getPort());
                        fleet.execute(bot.loop, () -> resumed(response, address));
                    }
                });
    }

    private void resumed(final LoginResponse response, final InetSocketAddress address) {
        remember(response);
        if (!active()) {
            return;
        }
        steps.answered(System.nanoTime());
        final byte[] token = response.getSessionToken().toByteArray();
        final String instance = response.getInstanceId();
        if (address.isUnresolved()
                || token.length == 0
                || token.length > ClientProtocol.MAX_TOKEN
                || instance.isEmpty()
                || instance.length() > ClientProtocol.MAX_INSTANCE_ID) {
            abandon();
            bot.resumeGaveUp("Resume answered with an unusable route to " + address);
            return;
        }
        bot.reconnect(address, token, instance);
    }

    private void refused(final Status status) {
        if (!active()) {
            return;
        }
        final String problem = "Resume " + status.getCode() + ": "
                + (status.getDescription() == null ? "no description" : status.getDescription());
        switch (status.getCode()) {
            case UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED -> retry(problem);
            default -> {
                abandon();
                bot.resumeGaveUp(problem);
            }
        }
    }
}
