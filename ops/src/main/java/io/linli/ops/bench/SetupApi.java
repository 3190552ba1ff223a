package io.linli.ops.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * The few ordinary API calls the benchmark makes outside the measured runs (a store, its products, a live
 * stream, the deals, and reading a deal back). Blocking: it runs on the generator's main thread, between runs.
 */
final class SetupApi {
  private static final int ATTEMPTS = 3;
  private static final long ATTEMPT_SECONDS = 40;

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

  /**
   * A GET is tried again if it has no answer within {@link #ATTEMPT_SECONDS}; a POST is not repeated, it fails
   * instead of hanging. (On the load's own client, the first call after a run sometimes waited forever, with no
   * connection to the node open or being opened; JoinBench now gives these calls a client of their own.)
   */
  private JsonObject call(HttpMethod method, String path, String token, JsonObject body) {
    for (int attempt = 1; ; attempt++) {
      try {
        return send(method, path, token, body).timeout(ATTEMPT_SECONDS, TimeUnit.SECONDS).await();
      } catch (Exception e) {
        // Future.timeout fails with a (checked) TimeoutException, which await() rethrows as it is.
        if (!(e instanceof java.util.concurrent.TimeoutException) || method != HttpMethod.GET
            || attempt == ATTEMPTS) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(method + " " + path, e);
        }
        System.out.printf("[join-bench] %s %s had no answer in %d s; asking again%n", method, path, ATTEMPT_SECONDS);
      }
    }
  }

  private Future<JsonObject> send(HttpMethod method, String path, String token, JsonObject body) {
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
                + response.statusCode() + ": " + b))));
  }
}
