package io.linli.ops;

import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract, with one schema validator per schema instead of one per request. vertx-openapi 5.0 asks the
 * contract's schema repository for a new validator for every parameter and every body of every request, and each
 * new validator copies every schema of the document (SchemaValidatorImpl: {@code new HashMap<>(lookup)}): the
 * join benchmark found that copy to be half of a request's CPU. A validator only reads once built, so one per
 * schema is kept and shared across event loops. Everything else is the contract as parsed.
 */
final class CachedValidators extends DelegatingContract {
  private final SchemaRepository repository;

  CachedValidators(OpenAPIContract contract) {
    super(contract);
    this.repository = new Repository(contract.getSchemaRepository());
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return repository;
  }

  /** The contract's repository, remembering the validator it built for each schema. */
  private static final class Repository implements SchemaRepository {
    private final SchemaRepository delegate;
    /** At most one validator per schema of the document ({@link SchemaIdentity}). */
    private final Map<SchemaIdentity, Validator> validators = new ConcurrentHashMap<>();

    Repository(SchemaRepository delegate) {
      this.delegate = delegate;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      return validators.computeIfAbsent(new SchemaIdentity(schema), key -> delegate.validator(key.schema()));
    }

    @Override
    public Validator validator(String ref) {
      return delegate.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return delegate.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return delegate.validator(schema, options, dereference);
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      delegate.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      delegate.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      delegate.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      delegate.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return delegate.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return delegate.find(pointer);
    }
  }
}
