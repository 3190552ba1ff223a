package io.linli.ops;

import io.vertx.json.schema.JsonSchema;

/**
 * A schema as a map key by identity: the contract keeps one schema object per parameter and body, and a schema
 * is a JsonObject, whose own equals and hashCode walk its whole JSON tree on every lookup.
 */
record SchemaIdentity(JsonSchema schema) {
  @Override
  public boolean equals(Object other) {
    return other instanceof SchemaIdentity s && s.schema == schema;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(schema);
  }
}
