package io.linli.core.store;

public enum Role { OWNER, STAFF }
