package io.linli.commerce.aftersales;

import io.linli.core.error.Problem;
import java.util.Base64;

/**
 * A claim's photo, sent as base64 in the claim's JSON. Only JPEG, PNG and WebP are taken, recognised by their
 * first bytes (what a client calls the file does not matter), and only up to the store's size limit.
 */
record ClaimPhoto(String contentType, byte[] bytes) {
  static final String FIELD = "photoBase64";

  /** Decodes and checks; fails with a 422 naming the field. Run off the event loop (it touches every byte). */
  static ClaimPhoto decode(String base64, int maxBytes) {
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw Problem.unprocessable(FIELD, "is not valid base64");
    }
    if (bytes.length == 0) {
      throw Problem.unprocessable(FIELD, "is empty");
    }
    if (bytes.length > maxBytes) {
      throw Problem.unprocessable(FIELD, "is " + bytes.length + " bytes; this store takes photos up to "
          + maxBytes + " bytes");
    }
    String type = sniff(bytes);
    if (type == null) {
      throw Problem.unprocessable(FIELD, "must be a JPEG, PNG or WebP image");
    }
    return new ClaimPhoto(type, bytes);
  }

  static String sniff(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "image/jpeg";
    }
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D
        && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
      return "image/png";
    }
    if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
        && b[10] == 'B' && b[11] == 'P') {
      return "image/webp";
    }
    return null;
  }
}
