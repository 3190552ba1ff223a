package io.linli.core.error;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An error a caller can act on, rendered as RFC 9457 {@code application/problem+json}.
 * Services fail their futures with a Problem; the HTTP layer turns it into a response, so no handler
 * formats errors itself and no stack trace ever reaches a client.
 */
public final class Problem extends RuntimeException {
  public static final String TYPE_BASE = "https://linli.dev/problems/";

  private final int status;
  private final String slug;
  private final String title;
  private final List<FieldError> errors;

  public record FieldError(String field, String message) {
    public JsonObject toJson() {
      return new JsonObject().put("field", field).put("message", message);
    }
  }

  public Problem(int status, String slug, String title, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(status, slug, title, detail, List.of());
  }

  public static Problem validation(String field, String message) {
    return validation(List.of(new FieldError(field, message)));
  }

  public static Problem validation(List<FieldError> errors) {
    String detail = errors.isEmpty() ? "The request is not valid."
        : errors.get(0).field() + ": " + errors.get(0).message();
    return new Problem(400, "validation", "Invalid request", detail, errors);
  }

  public static Problem badJson(String detail) {
    return new Problem(400, "malformed-json", "Malformed JSON", detail,
        List.of(new FieldError("body", "is not valid JSON")));
  }

  public static Problem unauthorized(String detail) {
    return of(401, "unauthorized", "Not signed in", detail);
  }

  public static Problem forbidden(String detail) {
    return of(403, "forbidden", "Not allowed", detail);
  }

  public static Problem notFound(String what, String id) {
    return of(404, "not-found", "Not found", what + " " + id + " does not exist");
  }

  public static Problem conflict(String slug, String title, String detail) {
    return of(409, slug, title, detail);
  }

  public static Problem gone(String slug, String title, String detail) {
    return of(410, slug, title, detail);
  }

  public static Problem unprocessable(String field, String message) {
    return new Problem(422, "unprocessable", "Cannot do that", field + ": " + message,
        List.of(new FieldError(field, message)));
  }

  public int status() {
    return status;
  }

  public String type() {
    return TYPE_BASE + slug;
  }

  public String title() {
    return title;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public JsonObject toJson(String instance) {
    JsonObject json = new JsonObject()
        .put("type", type())
        .put("title", title)
        .put("status", status)
        .put("detail", getMessage());
    if (instance != null) {
      json.put("instance", instance);
    }
    if (!errors.isEmpty()) {
      json.put("errors", new JsonArray(errors.stream().map(FieldError::toJson).toList()));
    }
    return json;
  }
}
