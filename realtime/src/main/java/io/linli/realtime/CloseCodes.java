package io.linli.realtime;

/** Why the server closed a room socket (ROOM-PROTOCOL.md lists them for clients). */
final class CloseCodes {
  static final short GOING_AWAY = 1001;
  static final short TOO_BIG = 1009;
  static final short SERVER_ERROR = 1011;
  static final short UNAUTHORIZED = 4401;
  static final short FORBIDDEN = 4403;
  static final short NOT_FOUND = 4404;
  static final short TOO_SLOW = 4408;
  static final short BANNED = 4410;
  static final short TOO_MANY_FRAMES = 4429;

  private CloseCodes() {}

  /** A refusal for an HTTP status from a Problem: 401/403/404 keep their meaning, anything else is ours. */
  static short forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 410 -> BANNED;
      default -> SERVER_ERROR;
    };
  }
}
