package io.linli.ops;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a request against its operation on the event loop that received it. vertx-openapi 5.0's
 * {@code RequestValidator.validate} runs each validation through {@code executeBlocking} (ordered, per
 * context): a hop to a worker and back per request, and one validation at a time per event loop. Validating
 * a request is pure CPU work of a few microseconds with the cached validators ({@link CachedValidators}), so
 * it belongs on the event loop. The steps and the outcome (the validated request in the routing context, a
 * 400 {@link HttpException} wrapping the {@link ValidatorException}) are the router builder's own.
 */
final class InlineValidation implements Handler<RoutingContext> {
  private final Operation operation;
  private final StringParameters validator;
  private final RequestExtractor extractor;

  private InlineValidation(Operation operation, StringParameters validator, RequestExtractor extractor) {
    this.operation = operation;
    this.validator = validator;
    this.extractor = extractor;
  }

  /**
   * Call once every module has added its handlers: puts this in front of each implemented operation's handlers
   * and turns the builder's own validation off there. Operations nobody implemented are left to the builder,
   * which answers them 501 (and OpenApiContractTest fails on that).
   */
  static void install(Vertx vertx, OpenAPIContract contract, RouterBuilder builder, RequestExtractor extractor) {
    StringParameters validator = new StringParameters(vertx, contract);
    for (OpenAPIRoute route : builder.getRoutes()) {
      if (route.getHandlers().isEmpty() || !route.doValidation()) {
        continue;
      }
      List<Handler<RoutingContext>> handlers = new ArrayList<>(route.getHandlers());
      route.getHandlers().clear();
      route.addHandler(new InlineValidation(route.getOperation(), validator, extractor));
      handlers.forEach(route::addHandler);
      route.setDoValidation(false);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    extractor.extractValidatableRequest(ctx, operation).onComplete(extracted -> {
      if (extracted.failed()) {
        ctx.fail(extracted.cause());
        return;
      }
      try {
        ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validate(extracted.result()));
      } catch (ValidatorException e) {
        ctx.fail(new HttpException(HttpResponseStatus.BAD_REQUEST.code(), e.getMessage(), e));
        return;
      }
      ctx.next();
    });
  }

  /**
   * vertx-openapi first tries to read a parameter's text as JSON, even when its schema says string: a UUID
   * Idempotency-Key or an id then costs a Jackson parse failure (an exception with its stack trace) on every
   * request, and a key such as {@code 1.5} would become a number and fail validation. A parameter whose schema
   * is a string is its text; it is validated as it came. Path parameters and bodies found valid once are not
   * walked through their schema again ({@link KnownValid}), nor is a header that only has to be so long
   * ({@link TextBounds}).
   */
  static final class StringParameters extends RequestValidatorImpl {
    private final OpenAPIContract contract;
    private final KnownValid known = new KnownValid();
    private final TextBounds bounds = new TextBounds();

    StringParameters(Vertx vertx, OpenAPIContract contract) {
      super(vertx, contract);
      this.contract = contract;
    }

    @Override
    public RequestParameter validateParameter(Parameter parameter, RequestParameter value) {
      if (value == null || value.isNull() || !SchemaType.STRING.equals(parameter.getSchemaType())
          || !(value.get() instanceof String text)) {
        return super.validateParameter(parameter, value);
      }
      // Path parameters repeat (the hot deal's id); headers such as Idempotency-Key are new each time.
      boolean remembered = parameter.getIn() == Location.PATH;
      if (remembered ? known.textKnown(parameter, text) : bounds.surelyValid(parameter.getSchema(), text)) {
        return new RequestParameterImpl(text);
      }
      OutputUnit result = contract.getSchemaRepository().validator(parameter.getSchema()).validate(text);
      try {
        result.checkValidity();
      } catch (JsonSchemaValidationException e) {
        throw SchemaValidationException.createErrorFromOutputUnitType(parameter, result, e);
      }
      if (remembered) {
        known.textValid(parameter, text);
      }
      return new RequestParameterImpl(text);
    }

    /** A body seen valid before is valid again: the handler gets its own copy of what it decoded to. */
    @Override
    public RequestParameter validateBody(RequestBody body, ValidatableRequest request) {
      RequestParameter raw = request.getBody();
      if (body == null || raw == null || !(raw.get() instanceof Buffer bytes) || bytes.length() == 0) {
        return super.validateBody(body, request);
      }
      Object decoded = known.body(body, request.getContentType(), bytes);
      if (decoded != null) {
        return new RequestParameterImpl(copyOf(decoded));
      }
      RequestParameter validated = super.validateBody(body, request);
      if (validated != null && validated.get() != null) {
        known.bodyValid(body, request.getContentType(), bytes, copyOf(validated.get()));
      }
      return validated;
    }

    private static Object copyOf(Object value) {
      if (value instanceof JsonObject o) {
        return o.copy();
      }
      if (value instanceof JsonArray a) {
        return a.copy();
      }
      return value instanceof Buffer b ? b.copy() : value;
    }
  }

  private ValidatedRequestImpl validate(ValidatableRequest request) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      switch (p.getIn()) {
        case COOKIE -> cookies.put(p.getName(), validator.validateParameter(p, request.getCookies().get(p.getName())));
        case HEADER -> headers.put(p.getName(), validator.validateParameter(p, request.getHeaders().get(p.getName())));
        case PATH -> path.put(p.getName(), validator.validateParameter(p, request.getPathParameters().get(p.getName())));
        case QUERY -> query.put(p.getName(), validator.validateParameter(p, request.getQuery().get(p.getName())));
      }
    }
    RequestParameter body = validator.validateBody(operation.getRequestBody(), request);
    return new ValidatedRequestImpl(cookies, headers, path, query, body);
  }
}
