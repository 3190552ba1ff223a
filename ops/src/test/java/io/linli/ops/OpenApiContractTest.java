package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The served OpenAPI document describes every operation, and every documented operation is implemented. */
class OpenApiContractTest extends OneNodeTest {

  @Test
  @SuppressWarnings("unchecked")
  void noDocumentedOperationAnswers501() {
    ApiClient.Response doc = ApiClient.expect(api.get("/api/openapi.yaml", null), 200);
    assertThat(doc.contentType()).startsWith("application/yaml");
    Map<String, Object> spec = new Yaml().load(doc.text());
    assertThat(spec.get("openapi")).isEqualTo("3.1.0");
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) spec.get("paths");

    List<String> checked = new ArrayList<>();
    paths.forEach((path, item) -> item.keySet().stream().filter(m -> m.equals("get") || m.equals("post"))
        .forEach(method -> {
          String concrete = path.replaceAll("\\{[^}]+}", "0ABCDEFGHJKMN");
          ApiClient.Response r = method.equals("get") ? api.get(concrete, null)
              : api.post(concrete, null, new JsonObject());
          assertThat(r.status()).as(method + " " + path + ": " + r.text()).isNotEqualTo(501).isLessThan(500);
          checked.add(method + " " + path);
        }));
    assertThat(checked).contains("post /api/deals/{dealId}/join", "get /api/deals/{dealId}", "post /api/stores",
        "get /health/ready", "get /metrics");
  }

  @Test
  void healthAndMetrics() {
    assertThat(api.get("/health/live", null).status()).isEqualTo(200);
    ApiClient.Response ready = ApiClient.expect(api.get("/health/ready", null), 200);
    assertThat(ready.json().getString("redis")).isEqualTo("UP");
    assertThat(ready.json().getString("postgres")).isEqualTo("UP");
    ApiClient.Shop shop = api.openShop("13900000041", 2, "BUYERS", 10, 1);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", api.viewer("metrics").token(),
        new JsonObject().put("quantity", 1)), 201);
    ApiClient.Response metrics = ApiClient.expect(api.get("/metrics", null), 200);
    assertThat(metrics.text()).contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes")
        .contains("linli_joins_total{outcome=\"accepted\"} 1.0").contains("linli_orders_placed_total 1.0")
        .contains("linli_sockets_open");
  }

  @Test
  void everyResponseCarriesARequestId() {
    ApiClient.Response r = api.get("/api/deals/0ABCDEFGHJKMN", null);
    assertThat(r.json().getString("requestId")).isNotBlank();
  }
}
