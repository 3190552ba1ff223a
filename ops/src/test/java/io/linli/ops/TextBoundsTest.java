package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quick yes for length-only text schemas: only where vertx-json-schema says yes, and every no left to it. */
class TextBoundsTest {
  /** The contract's Idempotency-Key schema, with the annotations the contract loader adds to every schema. */
  private static final JsonSchema KEY = JsonSchema
      .of(new JsonObject("{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}"))
      .annotate("__absolute_uri__", "app:///openapi.yaml#/paths/~1api~1deals~1{dealId}~1join/parameters/1/schema");

  private static final List<String> TEXTS = List.of("", "k", "k-1", "1.5", "\"quoted\"", "长", "k".repeat(64),
      "k".repeat(65), "😀".repeat(32), "😀".repeat(33), "😀".repeat(64), "😀".repeat(65), "a😀");

  private final TextBounds bounds = new TextBounds();

  @Test
  void aKeyWithinItsLengthIsValidAtOnce() {
    assertThat(bounds.surelyValid(KEY, "k-1")).isTrue();
    assertThat(bounds.surelyValid(KEY, "k".repeat(64))).isTrue();
    assertThat(bounds.surelyValid(KEY, "长")).isTrue();
  }

  @Test
  void anythingOutsideTheBoundsIsLeftToTheLibrary() {
    assertThat(bounds.surelyValid(KEY, "")).isFalse();
    assertThat(bounds.surelyValid(KEY, "k".repeat(65))).isFalse();
  }

  @Test
  void aSchemaThatSaysMoreThanALengthIsLeftToTheLibrary() {
    for (String schema : List.of("{\"type\":\"string\",\"maxLength\":64,\"pattern\":\"^[a-z]+$\"}",
        "{\"type\":\"string\",\"enum\":[\"a\"]}", "{\"type\":\"string\",\"format\":\"uuid\"}",
        "{\"type\":\"integer\"}", "{\"maxLength\":3}", "{\"$ref\":\"#/components/schemas/Id\"}")) {
      assertThat(bounds.surelyValid(JsonSchema.of(new JsonObject(schema)), "abc")).as(schema).isFalse();
    }
  }

  @Test
  void itNeverSaysYesWhereTheLibrarySaysNo() {
    Validator library = Validator.create(KEY, new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("app:///").setOutputFormat(OutputFormat.Basic));
    for (String text : TEXTS) {
      if (bounds.surelyValid(KEY, text)) {
        assertThat(library.validate(text).getValid()).as(text).isTrue();
      }
    }
  }
}
