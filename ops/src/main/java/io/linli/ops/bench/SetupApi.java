package io.linli.ops.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The few ordinary API calls the benchmark makes outside the measured runs (a store, its products, a live
 * stream, the deals, and reading a deal back). Blocking: it runs on the generator's main thread, between runs.
 */
final class SetupApi {
  private final HttpClient client;
  private final int port;

  SetupApi(HttpClient client, int port) {
    this.client = client;
    this.port = port;
  }

  JsonObject post(String path, String token, JsonObject body) {
    return call(HttpMethod.POST, path, token, body);
  }

  JsonObject get(String path) {
    return call(HttpMethod.GET, path, null, null);
  }

  private JsonObject call(HttpMethod method, String path, String token, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
        .setURI(path).setIdleTimeout(30_000);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    Buffer payload = body == null ? Buffer.buffer() : body.toBuffer();
    return client.request(options)
        .compose(request -> request.send(payload))
        .compose(response -> response.body().compose(b -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(b.length() == 0 ? new JsonObject() : new JsonObject(b))
            : Future.failedFuture(new IllegalStateException(method + " " + path + " answered "
                + response.statusCode() + ": " + b))))
        .await();
  }
}
