package io.linli.ops;

import io.vertx.json.schema.JsonSchema;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A quick yes for text whose schema says no more than "a string of so many characters", such as the
 * {@code Idempotency-Key} header: new on every join, so {@link KnownValid} never knows it, and vertx-json-schema
 * walks every keyword of its schema for it (3-4% of the node's CPU on the join path, ops/bench/FINDINGS.md §24).
 * It only ever says yes where the library would: any other keyword, or a length outside the bounds, is left to
 * the library, which judges and words every refusal.
 */
final class TextBounds {
  private static final Set<String> LENGTH_ONLY = Set.of("type", "minLength", "maxLength", "description");

  /** A schema's bounds on a string's length, or {@link #NONE} when the schema says more than that. */
  private record Bounds(long min, long max) {}

  /** No text is within these: every text goes to the library. */
  private static final Bounds NONE = new Bounds(1, 0);

  /** By identity ({@link SchemaIdentity}): the contract holds one schema object per parameter. */
  private final Map<SchemaIdentity, Bounds> bounds = new ConcurrentHashMap<>();

  /** True only if {@code text} is valid against {@code schema}; false means "ask the library". */
  boolean surelyValid(JsonSchema schema, String text) {
    Bounds b = bounds.computeIfAbsent(new SchemaIdentity(schema), s -> of(s.schema()));
    // JSON Schema counts code points, which are never more than UTF-16 units: within both bounds by either
    // count, the text is valid whichever one a validator uses.
    int units = text.length();
    return units <= b.max() && text.codePointCount(0, units) >= b.min();
  }

  private static Bounds of(JsonSchema schema) {
    for (String field : schema.fieldNames()) {
      if (JsonSchema.EXCLUDE_ANNOTATIONS.test(field) && !LENGTH_ONLY.contains(field)) {
        return NONE;
      }
    }
    if (!"string".equals(schema.get("type"))) {
      return NONE;
    }
    Number min = schema.get("minLength", 0);
    Number max = schema.get("maxLength", Integer.MAX_VALUE);
    return new Bounds(min.longValue(), max.longValue());
  }
}
