package io.linli.core.auth;

/** Who is asking: a store's staff member or a viewer (household), as proven by their token. */
public record Caller(Kind kind, long id, String name) {
  public enum Kind { STAFF, VIEWER }

  public boolean isStaff() {
    return kind == Kind.STAFF;
  }

  public boolean isViewer() {
    return kind == Kind.VIEWER;
  }
}
