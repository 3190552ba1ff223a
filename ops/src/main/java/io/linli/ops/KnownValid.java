package io.linli.ops;

import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inputs already found valid, per part of the contract (a path parameter, an operation's body): validating the
 * same bytes against the same schema again gives the same verdict. A sale is a storm of identical parts (the hot
 * deal's id in the path, {@code {"quantity":1}}), and vertx-json-schema walks every keyword of every schema for
 * each (a tenth of the node's CPU on the join path, ops/bench/FINDINGS.md). Only valid inputs are kept, so a bad
 * one is always refused with the validator's own message; only short ones, and at most {@link #MAX_ENTRIES}:
 * past that the memory is emptied rather than tracking use, as unique inputs (ids of other resources) would
 * otherwise grow it.
 */
final class KnownValid {
  static final int MAX_BYTES = 256;
  private static final int MAX_ENTRIES = 4096;

  /** {@code part} compares by identity: the contract holds one object per parameter and body. */
  private record Key(Object part, String contentType, Object input) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key k && k.part == part && java.util.Objects.equals(k.contentType, contentType)
          && k.input.equals(input);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * System.identityHashCode(part) + java.util.Objects.hashCode(contentType)) + input.hashCode();
    }
  }

  private final Map<Key, Object> known = new ConcurrentHashMap<>();

  /** Whether {@code text} was found valid for {@code part} before (a parameter's text is its own result). */
  boolean textKnown(Object part, String text) {
    return text.length() <= MAX_BYTES && known.containsKey(new Key(part, null, text));
  }

  void textValid(Object part, String text) {
    if (text.length() <= MAX_BYTES) {
      remember(new Key(part, null, text), Boolean.TRUE);
    }
  }

  Object body(Object part, String contentType, Buffer bytes) {
    return bytes.length() > MAX_BYTES ? null : known.get(new Key(part, contentType, bytes));
  }

  void bodyValid(Object part, String contentType, Buffer bytes, Object validated) {
    if (bytes.length() <= MAX_BYTES) {
      remember(new Key(part, contentType, bytes.copy()), validated);
    }
  }

  private void remember(Key key, Object validated) {
    if (known.size() >= MAX_ENTRIES) {
      known.clear();
    }
    known.put(key, validated);
  }
}
