package io.linli.commerce.payment;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sandbox's notification signature, laid out like WeChat Pay v3's (timestamp, nonce and body on separate
 * lines) but with HMAC-SHA256 over a shared secret instead of the platform's RSA key.
 */
final class SandboxSignature {
  static final String TIMESTAMP = "Linli-Sandbox-Timestamp";
  static final String NONCE = "Linli-Sandbox-Nonce";
  static final String SIGNATURE = "Linli-Sandbox-Signature";

  private final byte[] secret;

  SandboxSignature(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  String sign(String timestamp, String nonce, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "\n" + nonce + "\n" + body + "\n").getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean matches(String timestamp, String nonce, String body, String signature) {
    if (timestamp == null || nonce == null || signature == null) {
      return false;
    }
    return MessageDigest.isEqual(sign(timestamp, nonce, body).getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }
}
