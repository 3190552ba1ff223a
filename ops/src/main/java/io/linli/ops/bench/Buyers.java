package io.linli.ops.bench;

import io.linli.core.auth.Caller;
import io.linli.core.auth.Tokens;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The households of the benchmark: real viewer rows (the order table's foreign key wants them) inserted in bulk
 * with SQL, and their tokens minted with the node's secret, instead of thousands of HTTP sign-ups that would
 * only measure bcrypt-free sign-up. One pool serves every deal: a household's limit is per deal.
 */
final class Buyers {
  private static final int CHUNK = 5_000;

  /** One household: its id, as text for Redis and JSON, and its ready-made Authorization header. */
  record Buyer(long id, String idText, String authorization) {}

  /** Where a run's sessions get their households from. */
  interface Source {
    Buyer next();
  }

  private final Pool pool;
  private final Tokens tokens;
  private final List<Buyer> all = new ArrayList<>();

  Buyers(Pool pool, Tokens tokens) {
    this.pool = pool;
    this.tokens = tokens;
  }

  int size() {
    return all.size();
  }

  /** Grows the pool to at least {@code count} households. */
  Future<Void> ensure(int count) {
    if (all.size() >= count) {
      return Future.succeededFuture();
    }
    int missing = count - all.size();
    long[] ids = new long[missing];
    for (int i = 0; i < missing; i++) {
      ids[i] = Ids.next();
    }
    // Signing is pure CPU and Tokens is thread-safe: spread it over the cores before the clock starts.
    List<Buyer> fresh = IntStream.range(0, missing).parallel()
        .mapToObj(i -> new Buyer(ids[i], Ids.toText(ids[i]),
            "Bearer " + tokens.issue(new Caller(Caller.Kind.VIEWER, ids[i], "bench-" + i))))
        .toList();
    Future<Void> inserted = Future.succeededFuture();
    for (int from = 0; from < missing; from += CHUNK) {
      List<Buyer> chunk = fresh.subList(from, Math.min(missing, from + CHUNK));
      inserted = inserted.compose(x -> insert(chunk));
    }
    return inserted.onSuccess(x -> all.addAll(fresh));
  }

  private Future<Void> insert(List<Buyer> chunk) {
    Long[] ids = chunk.stream().map(Buyer::id).toArray(Long[]::new);
    String[] names = chunk.stream().map(b -> "bench-" + b.idText()).toArray(String[]::new);
    return pool.preparedQuery("insert into viewers(id, nickname) select * from unnest($1::bigint[], $2::text[])")
        .execute(Tuple.tuple().addArrayOfLong(ids).addArrayOfString(names)).mapEmpty();
  }

  /**
   * The households in a shuffled order; when all have come once, they come again in a new order (a household
   * coming back for more meets its limit, which is part of the traffic too).
   */
  Source shuffled(long seed) {
    List<Buyer> snapshot = List.copyOf(all);
    Random random = new Random(seed);
    int[] order = IntStream.range(0, snapshot.size()).toArray();
    return new Source() {
      private int next = order.length;

      @Override
      public Buyer next() {
        if (next == order.length) {
          shuffle(order, random);
          next = 0;
        }
        return snapshot.get(order[next++]);
      }
    };
  }

  /** Households that exist only in Redis, for the bare script (c): a new one every time, so none repeats. */
  static Source synthetic() {
    return () -> {
      long id = Ids.next();
      return new Buyer(id, Ids.toText(id), null);
    };
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
