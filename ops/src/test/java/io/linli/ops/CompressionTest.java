package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Phones send {@code Accept-Encoding: gzip} on every request. Large answers are worth compressing; a join's answer
 * fits in one TCP segment either way, and gzip would cost the node a compressor per request on the hot path
 * ({@code SmallAnswers}).
 */
class CompressionTest extends OneNodeTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void largeAnswersAreGzippedForAPhoneThatAcceptsIt() throws Exception {
    HttpResponse<byte[]> contract = send(HttpRequest.newBuilder(uri("/api/openapi.yaml")).GET(), null);

    assertThat(contract.statusCode()).isEqualTo(200);
    assertThat(contract.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gunzip(contract.body())).startsWith("openapi:");
  }

  @Test
  void aJoinsAnswerIsSentAsItIs() throws Exception {
    ApiClient.Shop shop = api.openShop("13900000301", 10, "UNITS", 20, 2);
    ApiClient.Viewer phone = api.viewer("小王");

    HttpResponse<byte[]> joined = send(HttpRequest.newBuilder(uri("/api/deals/" + shop.dealId() + "/join"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "compress-1")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("quantity", 1).encode())), phone.token());

    assertThat(joined.statusCode()).isEqualTo(201);
    assertThat(joined.headers().firstValue("Content-Encoding")).isEmpty();
    JsonObject answer = new JsonObject(new String(joined.body(), StandardCharsets.UTF_8));
    assertThat(answer.getJsonObject("deal").getInteger("joinedUnits")).isEqualTo(1);
  }

  @Test
  void aSmallAnswerToAClientThatAsksForNoEncodingNamesNone() throws Exception {
    HttpResponse<byte[]> refused = http.send(HttpRequest.newBuilder(uri("/api/deals/0SD8KQERX3651")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(refused.statusCode()).isEqualTo(404);
    assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("\"status\":404");
  }

  private URI uri(String path) {
    return URI.create(api.base() + path);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request, String token) throws Exception {
    request.header("Accept-Encoding", "gzip, deflate, br");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
