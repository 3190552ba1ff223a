package io.linli.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens: what {@link Tokens} issues comes back as the same caller, and everything else is a 401 with the
 * answer a client already gets. Forged tokens are signed here by hand (header and payload chosen freely, HMAC with
 * the node's secret or another), and each refused one is also shown to vertx-auth-jwt's own JWTAuth, configured as
 * the node configures it: the forgeries are ones the library itself refuses, not only our extra checks.
 */
class TokensTest {
  private static final String SECRET = "test-secret-test-secret-test-secret-0123";
  private static final String HS256 = "{\"typ\":\"JWT\",\"alg\":\"HS256\"}";
  private static final String INVALID = "The token is not valid or has expired.";
  private static Vertx vertx;
  private static JWTAuth library;

  private final Tokens tokens = new Tokens(vertx, SECRET, Duration.ofHours(12), Duration.ofDays(30));

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    library = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET))
        .setJWTOptions(new JWTOptions().setIssuer("linli")));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void issuedTokensComeBackAsTheirCaller() {
    for (Caller caller : new Caller[] {new Caller(Caller.Kind.VIEWER, 1_234_567_890_123L, "小王 \"阿明\" \\ 幸福里"),
        new Caller(Caller.Kind.STAFF, 42, "店长"), new Caller(Caller.Kind.LEADER, 7, "")}) {
      String token = tokens.issue(caller);
      assertThat(tokens.verify(token).await()).isEqualTo(caller);
      assertThat(tokens.verify(token).await()).as("again").isEqualTo(caller);
    }
  }

  @Test
  void aTokenFromTheLibraryWithOtherClaimsStillVerifies() {
    String token = library.generateToken(new JsonObject().put("sub", "99").put("kind", "VIEWER").put("name", "邻居")
        .put("extra", new JsonObject().put("nested", new io.vertx.core.json.JsonArray().add(1).add("two"))),
        new JWTOptions().setIssuer("linli").setExpiresInMinutes(5));
    assertThat(tokens.verify(token).await()).isEqualTo(new Caller(Caller.Kind.VIEWER, 99, "邻居"));
  }

  @Test
  void missingToken() {
    assertRefused(tokens.verify(null), "A Bearer token is required.");
    assertRefused(tokens.verify("  "), "A Bearer token is required.");
  }

  @Test
  void tamperedTokensAreRefused() {
    String token = tokens.issue(new Caller(Caller.Kind.VIEWER, 1001, "小李"));
    String[] parts = token.split("\\.");
    // Another household's id in the payload, the signature kept.
    String otherPayload = b64(decode(parts[1]).replace("\"1001\"", "\"1002\""));
    refusedByBoth(parts[0] + "." + otherPayload + "." + parts[2]);
    // Staff instead of viewer.
    refusedByBoth(parts[0] + "." + b64(decode(parts[1]).replace("VIEWER", "STAFF")) + "." + parts[2]);
    // One character of the signature changed, or the signature cut short, or one byte longer.
    char last = parts[2].charAt(10);
    refusedByBoth(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + (last == 'A' ? 'B' : 'A')
        + parts[2].substring(11));
    refusedByBoth(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 20));
    refusedByBoth(parts[0] + "." + parts[1] + "." + parts[2] + "AA");
    // Signed with another secret.
    refusedByBoth(sign(HS256, claims(Instant.now()), "another-secret-another-secret-another"));
  }

  @Test
  void expiredTokensAreRefused() throws InterruptedException {
    // JWTAuth stamps and checks expiry by the wall clock, in whole seconds, so this waits for a two-second token
    // to lapse. (A one-second token issued late in a second had already lapsed when checked just after it.)
    Tokens shortLived = new Tokens(vertx, SECRET, Duration.ofSeconds(2), Duration.ofSeconds(2));
    Caller staff = new Caller(Caller.Kind.STAFF, 5, "店员");
    String token = shortLived.issue(staff);
    assertThat(shortLived.verify(token).await()).isEqualTo(staff);
    // Accepted (and remembered) a moment ago, refused once its expiry has passed.
    Thread.sleep(3_100);
    assertRefused(shortLived.verify(token), INVALID);
    // A token signed by us whose exp has passed, never seen before.
    Map<String, Object> claims = claims(Instant.now().minusSeconds(3600));
    claims.put("exp", Instant.now().minusSeconds(1).getEpochSecond());
    refusedByBoth(sign(HS256, claims, SECRET));
  }

  @Test
  void tokensNotValidYetAreRefused() {
    Map<String, Object> issuedLater = claims(Instant.now().plusSeconds(600));
    refusedByBoth(sign(HS256, issuedLater, SECRET));
    Map<String, Object> notBefore = claims(Instant.now());
    notBefore.put("nbf", Instant.now().plusSeconds(600).getEpochSecond());
    refusedByBoth(sign(HS256, notBefore, SECRET));
  }

  @Test
  void otherAlgorithmsAreRefused() {
    Map<String, Object> claims = claims(Instant.now());
    String payload = b64(new JsonObject(claims).encode());
    // alg "none": no signature, or an empty one, or our real HMAC under a header that says none.
    refusedByBoth(b64("{\"alg\":\"none\"}") + "." + payload + ".");
    refusedByBoth(b64("{\"alg\":\"none\"}") + "." + payload);
    refusedByBoth(sign("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, SECRET));
    // RS256 in the header with an HMAC made from our secret (the algorithm-confusion forgery), and other spellings.
    refusedByBoth(sign("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims, SECRET));
    refusedByBoth(sign("{\"alg\":\"HS512\"}", claims, SECRET));
    refusedByBoth(sign("{\"alg\":\"hs256\"}", claims, SECRET));
    refusedByBoth(sign("{\"typ\":\"JWT\"}", claims, SECRET));
    refusedByBoth(sign("{\"alg\":[\"HS256\"]}", claims, SECRET));
  }

  @Test
  void malformedTokensAreRefused() {
    String good = tokens.issue(new Caller(Caller.Kind.VIEWER, 3, "x"));
    String[] parts = good.split("\\.");
    for (String bad : new String[] {"not.a.token", "abc", "a.b", parts[0] + "." + parts[1], "." + parts[1] + "."
        + parts[2], good + "." + parts[2], parts[0] + "." + parts[1] + ".%%%%", "ä" + good,
        parts[0] + "." + parts[1] + "=." + parts[2], b64("[1,2]") + "." + parts[1] + "." + parts[2],
        b64("{\"alg\":\"HS256\"") + "." + parts[1] + "." + parts[2]}) {
      refusedByBoth(bad);
    }
    // A fourth, empty segment: JWTAuth's split drops it and accepts the token; a JWS has three.
    assertRefused(tokens.verify(good + "."), INVALID);
    // Signed, but the payload is not an object of claims.
    refusedByBoth(signRaw(HS256, "[\"sub\",\"1\"]", SECRET));
    refusedByBoth(signRaw(HS256, "{\"sub\":\"1\",", SECRET));
    // Far too long to be one of ours: refused before it is decoded.
    assertRefused(tokens.verify(parts[0] + "." + b64("{\"pad\":\"" + "x".repeat(5000) + "\"}") + "." + parts[2]),
        INVALID);
  }

  @Test
  void claimsOutsideOurRulesAreRefused() {
    Map<String, Object> otherIssuer = claims(Instant.now());
    otherIssuer.put("iss", "someone-else");
    refusedByBoth(sign(HS256, otherIssuer, SECRET));
    Map<String, Object> noIssuer = claims(Instant.now());
    noIssuer.remove("iss");
    refusedByBoth(sign(HS256, noIssuer, SECRET));
    // Stricter than JWTAuth, which lets a token without exp live for ever: ours always carry one.
    Map<String, Object> noExpiry = claims(Instant.now());
    noExpiry.remove("exp");
    assertRefused(tokens.verify(sign(HS256, noExpiry, SECRET)), INVALID);
    Map<String, Object> textExpiry = claims(Instant.now());
    textExpiry.put("exp", "2099-01-01");
    assertRefused(tokens.verify(sign(HS256, textExpiry, SECRET)), INVALID);
    // Signed and current, but not a caller of ours: "not valid", as before.
    Map<String, Object> strangeKind = claims(Instant.now());
    strangeKind.put("kind", "ADMIN");
    assertRefused(tokens.verify(sign(HS256, strangeKind, SECRET)), "The token is not valid.");
    Map<String, Object> strangeSubject = claims(Instant.now());
    strangeSubject.put("sub", "abc");
    assertRefused(tokens.verify(sign(HS256, strangeSubject, SECRET)), "The token is not valid.");
  }

  // ---- helpers ----

  /** Refused by the node with the usual 401, and by JWTAuth with the node's options. */
  private void refusedByBoth(String token) {
    assertRefused(tokens.verify(token), INVALID);
    assertThat(library.authenticate(new TokenCredentials(token))
            .transform(ar -> Future.succeededFuture(ar.failed())).await())
        .as("JWTAuth refuses %s too", token).isTrue();
  }

  private static void assertRefused(Future<Caller> verified, String detail) {
    Throwable failure = verified.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(Problem.class);
    assertThat(((Problem) failure).status()).isEqualTo(401);
    assertThat(failure.getMessage()).isEqualTo(detail);
  }

  private static Map<String, Object> claims(Instant issuedAt) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", "1001");
    claims.put("kind", "VIEWER");
    claims.put("name", "小李");
    claims.put("iat", issuedAt.getEpochSecond());
    claims.put("exp", issuedAt.plusSeconds(3600).getEpochSecond());
    claims.put("iss", "linli");
    return claims;
  }

  private static String sign(String header, Map<String, Object> claims, String secret) {
    return signRaw(header, new JsonObject(claims).encode(), secret);
  }

  private static String signRaw(String header, String payload, String secret) {
    String input = b64(header) + "." + b64(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String segment) {
    return new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
  }
}
