package io.linli.core.auth;

import io.linli.core.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Signed, expiring bearer tokens (HS256 JWTs through vertx-auth-jwt). The subject is the caller's id. */
public final class Tokens {
  private static final String ISSUER = "linli";
  private static final int MAX_VERIFIED = 100_000;
  /** Ours are about 250 characters; a longer "token" is refused before it is decoded. */
  private static final int MAX_TOKEN_CHARS = 4096;
  private static final String INVALID = "The token is not valid or has expired.";
  private final JWTAuth jwt;
  private final Duration staffTtl;
  private final Duration viewerTtl;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  public Tokens(Vertx vertx, String secret, Duration staffTtl, Duration viewerTtl) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
    this.staffTtl = staffTtl;
    this.viewerTtl = viewerTtl;
  }

  public String issue(Caller caller) {
    // A leader acts for the store (hands over bags, pays compensation): a working-day token, like staff.
    Duration ttl = caller.isViewer() ? viewerTtl : staffTtl;
    JsonObject claims = new JsonObject()
        .put("sub", Long.toString(caller.id()))
        .put("kind", caller.kind().name())
        .put("name", caller.name());
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds((int) ttl.toSeconds()));
  }

  /**
   * Fails with 401 when the token is missing, forged, or expired. Stricter than JWTAuth alone in two ways that
   * cost nothing: a JWS has exactly three segments (JWTAuth drops an empty fourth), and every token we issue
   * carries an expiry (JWTAuth lets one without {@code exp} live for ever).
   */
  public Future<Caller> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(Problem.unauthorized("A Bearer token is required."));
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      return Future.failedFuture(Problem.unauthorized(INVALID));
    }
    Verified known = verified.get(token);
    if (known != null && known.expiresAtMillis() > System.currentTimeMillis()) {
      return Future.succeededFuture(known.caller());
    }
    // Only tokens that passed this are ever remembered, so a remembered one needs no second look.
    if (!threeSegments(token)) {
      return Future.failedFuture(Problem.unauthorized(INVALID));
    }
    return authenticate(token)
        .recover(e -> Future.failedFuture(Problem.unauthorized(INVALID)))
        .compose(user -> {
          JsonObject p = user.principal();
          // JWTAuth keeps the time claims in the user's attributes, not its principal.
          if (!(user.attributes().getValue("exp") instanceof Number exp)) {
            return Future.failedFuture(Problem.unauthorized(INVALID));
          }
          try {
            Caller caller = new Caller(Caller.Kind.valueOf(p.getString("kind")), Long.parseLong(p.getString("sub")),
                p.getString("name", ""));
            remember(token, caller, exp.longValue() * 1000);
            return Future.succeededFuture(caller);
          } catch (RuntimeException e) {
            return Future.failedFuture(Problem.unauthorized("The token is not valid."));
          }
        });
  }

  /**
   * A viewer taps many times with one token: decoding and checking it again each time was a tenth of a join's
   * CPU. Only tokens that verified are kept, each until its own expiry; the map is emptied when it grows past
   * its bound rather than tracking use.
   */
  private void remember(String token, Caller caller, long expiresAtMillis) {
    if (verified.size() >= MAX_VERIFIED) {
      verified.clear();
    }
    verified.put(token, new Verified(caller, expiresAtMillis));
  }

  /** JWTAuth throws, rather than fails, on some signed tokens (an {@code exp} that is text): a 401 all the same. */
  private Future<User> authenticate(String token) {
    try {
      return jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static boolean threeSegments(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    return first > 0 && second > first && second < token.length() - 1 && token.indexOf('.', second + 1) < 0;
  }

  private record Verified(Caller caller, long expiresAtMillis) {}
}
