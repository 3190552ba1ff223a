package io.linli.realtime;

import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Polls in PostgreSQL: the definitions, their status, and the final results and votes once closed. */
final class PollStore {
  private final Pool pool;

  PollStore(Pool pool) {
    this.pool = pool;
  }

  Future<Poll> create(long streamId, String question, List<String> options, Integer durationSeconds, long byStaff) {
    long id = Ids.next();
    return pool.preparedQuery("insert into polls(id, stream_id, question, options, duration_seconds, status,"
            + " created_by) values ($1, $2, $3, $4, $5, 'DRAFT', $6)")
        .execute(Tuple.of(id, streamId, question, options.toArray(String[]::new), durationSeconds, byStaff))
        .compose(x -> get(id));
  }

  /** Null when there is no such poll. */
  Future<Poll> get(long pollId) {
    return pool.preparedQuery("select " + Poll.COLUMNS + Poll.FROM + " where p.id = $1")
        .execute(Tuple.of(pollId))
        .map(rows -> rows.size() == 0 ? null : Poll.from(rows.iterator().next()));
  }

  /** DRAFT to OPEN, its deadline starting now; false when it was not a draft (any more). */
  Future<Boolean> open(long pollId) {
    return pool.preparedQuery("update polls set status = 'OPEN', opened_at = now(),"
            + " closes_at = now() + make_interval(secs => duration_seconds) where id = $1 and status = 'DRAFT'")
        .execute(Tuple.of(pollId))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * OPEN to CLOSED with its final results and votes, in one transaction; false (and nothing written) when
   * another node closed it first.
   */
  Future<Boolean> close(long pollId, List<Integer> results, PollTallies.Ballots viewers,
      PollTallies.Ballots leaders) {
    return pool.withTransaction(tx -> tx
        .preparedQuery("update polls set status = 'CLOSED', closed_at = now(), results = $2"
            + " where id = $1 and status = 'OPEN'")
        // (Object): a lone array after the first value would be taken as the rest of the values.
        .execute(Tuple.of(pollId, (Object) results.toArray(Integer[]::new)))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : tx.preparedQuery("insert into poll_votes(poll_id, viewer_id, option)"
                    + " select $1, v, o from unnest($2::bigint[], $3::smallint[]) as t(v, o)")
                .execute(ballots(pollId, viewers))
                .compose(x -> leaders.ids().isEmpty() ? Future.succeededFuture()
                    : tx.preparedQuery("insert into poll_leader_votes(poll_id, leader_id, option)"
                            + " select $1, l, o from unnest($2::bigint[], $3::smallint[]) as t(l, o)")
                        .execute(ballots(pollId, leaders)))
                .map(true)));
  }

  private static Tuple ballots(long pollId, PollTallies.Ballots ballots) {
    return Tuple.of(pollId, ballots.ids().toArray(Long[]::new), ballots.options().toArray(Short[]::new));
  }

  /** Open polls whose timer ran out, oldest deadline first. */
  Future<List<Long>> due(int limit) {
    return pool.preparedQuery("select id from polls where status = 'OPEN' and closes_at <= now()"
            + " order by closes_at limit $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong(0)));
          return ids;
        });
  }

  /** What a room shows: open polls and those closed in the last {@code recentMinutes}, oldest first. */
  Future<List<Poll>> shown(long streamId, int recentMinutes, int limit) {
    return pool.preparedQuery("select " + Poll.COLUMNS + Poll.FROM + " where p.stream_id = $1"
            + " and (p.status = 'OPEN' or (p.status = 'CLOSED' and p.closed_at > now() - make_interval(mins => $2)))"
            + " order by p.created_at desc limit $3")
        .execute(Tuple.of(streamId, recentMinutes, limit))
        .map(rows -> {
          List<Poll> polls = new ArrayList<>();
          for (Row r : rows) {
            polls.add(0, Poll.from(r));
          }
          return polls;
        });
  }
}
