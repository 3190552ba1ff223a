package io.linli.core.auth;

/**
 * Who is asking, as proven by their token: a store's staff member, a viewer (household), or a leader (团长) of a
 * store. A leader is neither staff nor a viewer: it passes only the checks written for leaders.
 */
public record Caller(Kind kind, long id, String name) {
  public enum Kind { STAFF, VIEWER, LEADER }

  public boolean isStaff() {
    return kind == Kind.STAFF;
  }

  public boolean isViewer() {
    return kind == Kind.VIEWER;
  }

  public boolean isLeader() {
    return kind == Kind.LEADER;
  }
}
