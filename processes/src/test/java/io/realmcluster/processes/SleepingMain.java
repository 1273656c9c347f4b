package io.realmcluster.processes;

import java.util.List;

/** The child JVM of {@link JavaProcessTest}: says hello, then lives until killed or told to exit. */
public final class SleepingMain {
    private SleepingMain() {}

    public static void main(final String[] args) throws InterruptedException {
        final List<String> arguments = List.of(args);
        System.out.println("ready pid=" + ProcessHandle.current().pid() + " args=" + arguments + " greeting="
                + System.getenv("SLEEPER_GREETING"));
        System.err.println("a line on stderr");
        if (arguments.size() == 2 && arguments.get(0).equals("exit")) {
            System.exit(Integer.parseInt(arguments.get(1)));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stopping on SIGTERM")));
        // The process under test: it has nothing to do but exist until a signal arrives.
        while (true) {
            Thread.sleep(60_000);
        }
    }
}
