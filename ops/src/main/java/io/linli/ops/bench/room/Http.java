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
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
        .setURI(path);
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

  Future<Response> get(int port, String path) {
    return call(HttpMethod.GET, port, path, null, null, Map.of());
  }

  Future<Void> close() {
    return client.close();
  }
}
