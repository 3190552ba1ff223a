package io.linli.core.local;

/** Why a local service could not start, in one line that says what to install or which variable to set. */
public final class LocalServicesException extends RuntimeException {
  public LocalServicesException(String message) {
    super(oneLine(message));
  }

  public LocalServicesException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  // Messages quote tool output; the user should still see a single line at startup.
  private static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
