package io.linli.commerce.deal;

import io.linli.core.id.Ids;
import java.util.List;

/** What the join script decided, parsed from its reply. */
sealed interface JoinOutcome {
  record Accepted(long orderId, DealCounts counts, boolean crossedThreshold, String inflight)
      implements JoinOutcome {}

  record Duplicate(long orderId) implements JoinOutcome {}

  record LimitReached(int alreadyHeld) implements JoinOutcome {}

  record SoldOut(int remaining) implements JoinOutcome {}

  record Closed(DealStatus status) implements JoinOutcome {}

  record NoState() implements JoinOutcome {}

  static JoinOutcome parse(List<Object> reply, String inflightMember) {
    String kind = (String) reply.get(0);
    return switch (kind) {
      case "OK" -> {
        DealStatus status = DealStatus.valueOf((String) reply.get(2));
        yield new Accepted(Ids.parse((String) reply.get(1)), new DealCounts(i(reply, 3), i(reply, 4),
            i(reply, 5), i(reply, 6), i(reply, 7), Long.parseLong((String) reply.get(8)), status),
            "1".equals(reply.get(9)), inflightMember);
      }
      case "DUP" -> new Duplicate(Ids.parse((String) reply.get(1)));
      case "LIMIT" -> new LimitReached(i(reply, 1));
      case "SOLD_OUT" -> new SoldOut(i(reply, 1));
      case "CLOSED" -> new Closed(DealStatus.valueOf((String) reply.get(1)));
      case "NOSTATE" -> new NoState();
      default -> throw new IllegalStateException("join script answered " + kind);
    };
  }

  private static int i(List<Object> reply, int index) {
    return Integer.parseInt((String) reply.get(index));
  }
}
