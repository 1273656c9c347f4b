package io.realmcluster.testkit;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A process an extension owns for as long as its outermost scope lasts: the test class when the
 * extension sits in a static field (nested classes reuse it), the test when it sits in an instance
 * field, where JUnit calls only the per-test callbacks.
 */
final class ScopedResource<T> {
    private final Supplier<T> start;
    private final Consumer<T> stop;
    private int classDepth;
    private boolean ownedByTest;
    private T resource;

    ScopedResource(final Supplier<T> start, final Consumer<T> stop) {
        this.start = start;
        this.stop = stop;
    }

    synchronized T get(final String what) {
        if (resource == null) {
            throw new IllegalStateException(what + " is not running: use the extension with @RegisterExtension "
                    + "and call it from a test or a @BeforeAll/@BeforeEach method");
        }
        return resource;
    }

    synchronized void enterClass() {
        if (classDepth++ == 0) {
            resource = start.get();
        }
    }

    synchronized void exitClass() {
        if (--classDepth == 0) {
            release();
        }
    }

    synchronized void enterTest() {
        if (resource == null) {
            resource = start.get();
            ownedByTest = true;
        }
    }

    synchronized void exitTest() {
        if (ownedByTest) {
            ownedByTest = false;
            release();
        }
    }

    private void release() {
        final T current = resource;
        resource = null;
        if (current != null) {
            stop.accept(current);
        }
    }
}
