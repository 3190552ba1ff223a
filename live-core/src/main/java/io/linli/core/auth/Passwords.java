package io.linli.core.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;

/** bcrypt (at.favre.lib:bcrypt): slow on purpose, so always run on a worker thread, never an event loop. */
public final class Passwords {
  private final Vertx vertx;
  private final int cost;

  public Passwords(Vertx vertx, int cost) {
    this.vertx = vertx;
    this.cost = cost;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> BCrypt.withDefaults().hashToString(cost, password.toCharArray()), false);
  }

  public Future<Boolean> matches(String password, String hash) {
    return vertx.executeBlocking(() -> BCrypt.verifyer()
        .verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified, false);
  }
}
