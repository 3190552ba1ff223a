package io.linli.core.local;

/** A JVM shutdown hook that its owner can take back before the JVM exits. */
final class ExitHook {
  private final Thread thread;

  private ExitHook(Thread thread) {
    this.thread = thread;
  }

  static ExitHook register(String name, Runnable action) {
    Thread thread = new Thread(action, name);
    Runtime.getRuntime().addShutdownHook(thread);
    return new ExitHook(thread);
  }

  /** Idempotent. Once the JVM is on its way out, the hook runs (or has run) whatever this does. */
  void cancel() {
    try {
      Runtime.getRuntime().removeShutdownHook(thread);
    } catch (IllegalStateException alreadyShuttingDown) {
      // we are the hook, or another hook runs: either way the JVM is on its way out
    }
  }
}
