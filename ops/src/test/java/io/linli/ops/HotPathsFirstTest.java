package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HotPathsFirstTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theJoinComesFirstAndEveryOtherPathKeepsItsPlace() {
    OpenAPIContract parsed = ContractDocument.load(vertx).forValidation(vertx).await();
    List<String> before = names(parsed.getPaths());

    List<String> after = names(new HotPathsFirst(parsed, List.of("/api/deals/{dealId}/join")).getPaths());

    assertThat(after.get(0)).isEqualTo("/api/deals/{dealId}/join");
    assertThat(after.subList(1, after.size()))
        .containsExactlyElementsOf(before.stream().filter(p -> !p.equals("/api/deals/{dealId}/join")).toList());
  }

  @Test
  void aTemplateThatALiteralPathAlsoMatchesIsNotMovedAheadOfIt() {
    OpenAPIContract contract = contract("/api/deals/{dealId}/join", "/api/deals/today/join", "/api/deals/{dealId}");

    assertThatThrownBy(() -> new HotPathsFirst(contract, List.of("/api/deals/{dealId}/join")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/api/deals/today/join");
    assertThat(names(new HotPathsFirst(contract, List.of("/api/deals/{dealId}")).getPaths()).get(0))
        .isEqualTo("/api/deals/{dealId}");
  }

  @Test
  void pathsOverlapWhenEverySegmentIsEqualOrAParameter() {
    assertThat(HotPathsFirst.overlap("/api/deals/{dealId}/join", "/api/deals/{id}/join")).isTrue();
    assertThat(HotPathsFirst.overlap("/api/deals/{dealId}/join", "/api/{kind}/today/join")).isTrue();
    assertThat(HotPathsFirst.overlap("/api/deals/{dealId}/join", "/api/deals/{dealId}/close")).isFalse();
    assertThat(HotPathsFirst.overlap("/api/deals/{dealId}/join", "/api/deals/{dealId}")).isFalse();
  }

  /** A contract of GET operations on {@code paths}, each template's one parameter a string. */
  private OpenAPIContract contract(String... paths) {
    JsonObject items = new JsonObject();
    for (String path : paths) {
      JsonObject operation = new JsonObject().put("operationId", "get" + items.size())
          .put("responses", new JsonObject().put("200", new JsonObject().put("description", "ok")));
      if (path.contains("{")) {
        operation.put("parameters", new JsonArray().add(new JsonObject()
            .put("name", path.substring(path.indexOf('{') + 1, path.indexOf('}'))).put("in", "path")
            .put("required", true).put("schema", new JsonObject().put("type", "string"))));
      }
      items.put(path, new JsonObject().put("get", operation));
    }
    return OpenAPIContract.from(vertx, new JsonObject().put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", "paths").put("version", "1")).put("paths", items)).await();
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(Path::getName).toList();
  }
}
