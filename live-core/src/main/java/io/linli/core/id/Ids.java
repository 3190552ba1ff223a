package io.linli.core.id;

import com.github.f4b6a3.tsid.TsidFactory;

/**
 * Opaque ids made on the node, so the hot path needs no database round trip to name an order.
 * TSIDs are time-ordered 64-bit numbers (good index locality, stored as BIGINT) shown as 13 Crockford
 * base32 characters. The node part is random per process, so many nodes never collide in practice.
 */
public final class Ids {
  private static final TsidFactory FACTORY = TsidFactory.builder().withNodeBits(10).build();

  private Ids() {}

  public static long next() {
    return FACTORY.create().toLong();
  }

  public static String toText(long id) {
    return com.github.f4b6a3.tsid.Tsid.from(id).toString();
  }

  /** Parses an id from a URL or body; returns -1 when the text cannot be an id, so callers answer 404. */
  public static long parse(String text) {
    if (text == null || !com.github.f4b6a3.tsid.Tsid.isValid(text)) {
      return -1;
    }
    return com.github.f4b6a3.tsid.Tsid.from(text).toLong();
  }
}
