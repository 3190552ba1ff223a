package io.linli.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document: served as written, and handed to the request validator without response bodies.
 * vertx-openapi 5.0 refuses documents whose responses use media types it cannot validate (our errors are
 * application/problem+json, the document itself application/yaml); responses are never validated here, so
 * leaving them out changes nothing the router checks.
 */
final class ContractDocument {
  static final String RESOURCE = "openapi.yaml";

  private final Buffer text;
  private final JsonObject json;

  private ContractDocument(Buffer text, JsonObject json) {
    this.text = text;
    this.json = json;
  }

  static ContractDocument load(Vertx vertx) {
    Buffer text = vertx.fileSystem().readFileBlocking(RESOURCE);
    Map<String, Object> parsed = new Yaml().load(text.toString());
    return new ContractDocument(text, new JsonObject(parsed));
  }

  Buffer text() {
    return text;
  }

  Future<OpenAPIContract> forValidation(Vertx vertx) {
    JsonObject copy = json.copy();
    copy.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(op -> {
      if (op.getValue() instanceof JsonObject operation && operation.containsKey("responses")) {
        operation.getJsonObject("responses").forEach(r -> withoutBody(r.getValue()));
      }
    }));
    JsonObject components = copy.getJsonObject("components", new JsonObject());
    components.getJsonObject("responses", new JsonObject()).forEach(r -> withoutBody(r.getValue()));
    return OpenAPIContract.from(vertx, copy).map(CachedValidators::new);
  }

  private static void withoutBody(Object response) {
    if (response instanceof JsonObject r) {
      r.remove("content");
    }
  }
}
