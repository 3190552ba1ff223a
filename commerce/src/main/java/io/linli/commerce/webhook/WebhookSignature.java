package io.linli.commerce.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code Linli-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}: the receiver recomputes it with
 * the store's secret and rejects old timestamps, so a captured delivery cannot be replayed.
 */
public final class WebhookSignature {
  public static final String HEADER = "Linli-Signature";

  private WebhookSignature() {}

  public static String sign(String secret, long timestamp, String body) {
    return "t=" + timestamp + ",v1=" + hmac(secret, timestamp + "." + body);
  }

  public static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
