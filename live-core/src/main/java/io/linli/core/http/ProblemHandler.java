package io.linli.core.http;

import io.linli.core.error.Problem;
import io.linli.core.error.Problem.FieldError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failure becomes a response: RFC 9457 problem+json, never a stack trace.
 * Validation failures from the OpenAPI router are translated into {@code errors[{field, message}]}.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);
  private static final Pattern PARAMETER = Pattern.compile("parameter (\\S+)");
  private static final Pattern REQUIRED_PROPERTY = Pattern.compile("required property \"([^\"]+)\"");

  @Override
  public void handle(RoutingContext ctx) {
    Problem problem = toProblem(ctx);
    if (problem.status() >= 500) {
      LOG.error("rid={} {} {} failed", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(),
          ctx.failure());
    }
    send(ctx, problem);
  }

  public static void send(RoutingContext ctx, Problem problem) {
    if (ctx.response().ended()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .end(problem.toJson(ctx.request().path()).put("requestId", RequestIds.of(ctx)).toBuffer());
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpException wrapped && wrapped.getCause() != null) {
      // The OpenAPI router wraps its validation failures; the cause says which field.
      failure = wrapped.getCause();
    }
    if (failure instanceof Problem p) {
      return p;
    }
    if (failure instanceof SchemaValidationException e) {
      return Problem.validation(fieldErrors(e));
    }
    if (failure instanceof ValidatorException e) {
      return fromValidator(e);
    }
    if (failure instanceof DecodeException) {
      return Problem.badJson("The request body is not valid JSON.");
    }
    return switch (ctx.statusCode()) {
      case 400 -> Problem.of(400, "bad-request", "Bad request", "The request could not be read.");
      case 401 -> Problem.unauthorized("A valid Bearer token is required.");
      case 403 -> Problem.forbidden("You may not do that.");
      case 404 -> Problem.of(404, "not-found", "Not found", "No such resource: " + ctx.request().path());
      case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed",
          ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 413 -> Problem.of(413, "payload-too-large", "Request body too large",
          "The body is larger than this server accepts.");
      case 415 -> Problem.of(415, "unsupported-media-type", "Unsupported media type", "Send application/json.");
      case 501 -> Problem.of(501, "not-implemented", "Not implemented", "This operation is not available yet.");
      default -> Problem.of(500, "internal", "Internal error",
          "Something went wrong on our side; quote request id " + RequestIds.of(ctx) + ".");
    };
  }

  private static Problem fromValidator(ValidatorException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("body can't be decoded") || message.contains("request body")) {
      return Problem.badJson("The request body is not valid JSON.");
    }
    Matcher m = PARAMETER.matcher(message);
    String field = m.find() ? m.group(1) : "request";
    return switch (e.type()) {
      case MISSING_REQUIRED_PARAMETER -> Problem.validation(field, "is required");
      case MISSING_OPERATION -> Problem.of(404, "not-found", "Not found", message);
      default -> Problem.validation(field, "is not valid");
    };
  }

  private static List<FieldError> fieldErrors(SchemaValidationException e) {
    List<FieldError> out = new ArrayList<>();
    // A parameter's value is the whole instance the schema saw: its errors have no location of their own.
    Matcher m = PARAMETER.matcher(String.valueOf(e.getMessage()));
    String whole = m.find() ? m.group(1) : "body";
    collect(e.getOutputUnit(), whole, out);
    if (out.isEmpty()) {
      out.add(new FieldError(whole, clean(e.getMessage())));
    }
    return out;
  }

  /** The leaves of the schema validator's output carry the most specific location and message. */
  private static void collect(OutputUnit unit, String whole, List<FieldError> out) {
    if (unit == null) {
      return;
    }
    List<OutputUnit> children = unit.getErrors();
    if (children != null && !children.isEmpty()) {
      children.forEach(c -> collect(c, whole, out));
      return;
    }
    if (unit.getError() == null) {
      return;
    }
    String field = fieldOf(unit.getInstanceLocation());
    Matcher required = REQUIRED_PROPERTY.matcher(unit.getError());
    if (required.find()) {
      field = field.isEmpty() ? required.group(1) : field + "." + required.group(1);
      out.add(new FieldError(field, "is required"));
      return;
    }
    FieldError error = new FieldError(field.isEmpty() ? whole : field, clean(unit.getError()));
    if (!out.contains(error)) {
      out.add(error);
    }
  }

  /** "#/tiers/0/priceFen" -> "tiers[0].priceFen" */
  static String fieldOf(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    String path = instanceLocation.replaceFirst("^#?/?", "");
    if (path.isEmpty()) {
      return "";
    }
    StringBuilder field = new StringBuilder();
    for (String part : path.split("/")) {
      if (part.matches("\\d+")) {
        field.append('[').append(part).append(']');
      } else {
        field.append(field.length() == 0 ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return field.toString();
  }

  private static String clean(String message) {
    return message == null ? "is not valid" : message.replaceAll("\\s+", " ").trim();
  }
}
