package io.linli.ops.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.linli.core.id.Ids;
import io.linli.ops.bench.Buyers.Buyer;
import io.linli.ops.bench.JoinTarget.Answer.Kind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A join over HTTP/1.1 to the node on 127.0.0.1 ({@link TapClient}): POST with the household's bearer token, an
 * Idempotency-Key and {"quantity": n}. Both HTTP systems answer alike, so one class reads both: 201 carries the order id, a 409 is
 * told apart by its problem type, 410 means the deal is no longer open.
 */
final class HttpJoinTarget implements JoinTarget {
  private static final long TIMEOUT_MS = 10_000;
  private static final Buffer[] BODIES = {
      Buffer.buffer("{\"quantity\":0}"), Buffer.buffer("{\"quantity\":1}"), Buffer.buffer("{\"quantity\":2}"),
      Buffer.buffer("{\"quantity\":3}")};

  private static final JsonFactory JSON = new JsonFactory();

  private final TapClient client;
  private final String path;

  /** {@code pathTemplate} has one %s, the deal id as text. */
  HttpJoinTarget(TapClient client, String pathTemplate, String dealId) {
    this.client = client;
    this.path = String.format(pathTemplate, dealId);
  }

  @Override
  public Future<Answer> join(Buyer buyer, String idempotencyKey, int quantity) {
    Buffer body = quantity < BODIES.length ? BODIES[quantity] : Buffer.buffer("{\"quantity\":" + quantity + "}");
    return client.post(path, buyer.authorization(), idempotencyKey, body, TIMEOUT_MS)
        .map(reply -> read(reply.status(), reply.body()))
        .otherwise(e -> Answer.error(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
  }

  /**
   * The order's id, read with a streaming parser that stops there: decoding the whole answer (the deal's progress
   * and price ladder) into maps was a tenth of the generator's CPU, taken from the cores the systems share.
   */
  static long orderId(Buffer body) {
    try (JsonParser p = JSON.createParser(body.getBytes())) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          boolean order = "order".equals(p.currentName());
          if (p.nextToken() == JsonToken.START_OBJECT && order) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              boolean id = "id".equals(p.currentName());
              p.nextToken();
              if (id) {
                return Ids.parse(p.getText());
              }
              p.skipChildren();
            }
          }
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("a 201 without an order id: " + body);
  }

  private static Answer read(int status, Buffer body) {
    if (status == 201) {
      return Answer.order(orderId(body));
    }
    String text = body.toString();
    if (status == 409) {
      if (text.contains("problems/sold-out\"")) {
        return Answer.of(Kind.SOLD_OUT);
      }
      if (text.contains("problems/limit-reached\"")) {
        return Answer.of(Kind.LIMIT);
      }
      if (text.contains("problems/in-progress\"")) {
        return Answer.of(Kind.IN_PROGRESS);
      }
    }
    if (status == 410) {
      return Answer.of(Kind.CLOSED);
    }
    int type = text.indexOf("problems/");
    return Answer.error(status + (type < 0 ? "" : " " + text.substring(type + 9, text.indexOf('"', type))));
  }
}
