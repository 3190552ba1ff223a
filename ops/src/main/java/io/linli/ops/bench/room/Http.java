package io.linli.ops.bench.room;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The few HTTP calls the benchmark makes (setting up rooms, moving counters, reading memory), to 127.0.0.1. */
final class Http {
  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    Response expect(int wanted) {
      if (status != wanted) {
        throw new IllegalStateException("expected HTTP " + wanted + ", got " + status + ": " + body);
      }
      return this;
    }
  }

  private final HttpClient client;

  Http(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64));
  }

  Future<Response> call(HttpMethod method, int port, String path, String token, JsonObject body,
      Map<String, String> headers) {
    // Bounded: a setup call once waited for ever on a pooled connection after 10,000 sockets hung up, and the
    // benchmark sat idle; now it fails (and setup calls are tried again, see setUp).
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
        .setURI(path).setConnectTimeout(10_000).setIdleTimeout(30_000);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    headers.forEach(options::putHeader);
    return client.request(options)
        .compose(request -> body == null ? request.send()
            : request.putHeader("Content-Type", "application/json").send(body.toBuffer()))
        .compose(response -> response.body().map(b -> new Response(response.statusCode(), b.toString())));
  }

  Future<Response> post(int port, String path, String token, JsonObject body) {
    return call(HttpMethod.POST, port, path, token, body, Map.of());
  }

  /**
   * A setup call (a store, a product, a stream, a deal, a viewer), tried up to three times when no answer came:
   * a repeated one only leaves a spare row in the benchmark's throwaway database.
   */
  Future<Response> setUp(int port, String path, String token, JsonObject body) {
    return setUp(port, path, token, body, 3);
  }

  private Future<Response> setUp(int port, String path, String token, JsonObject body, int tries) {
    return post(port, path, token, body).recover(e -> {
      if (tries <= 1) {
        return Future.failedFuture(e);
      }
      System.err.println("[room-bench] " + path + ": " + e + "; trying again");
      return setUp(port, path, token, body, tries - 1);
    });
  }

  Future<Response> get(int port, String path) {
    return call(HttpMethod.GET, port, path, null, null, Map.of());
  }

  Future<Void> close() {
    return client.close();
  }
}
