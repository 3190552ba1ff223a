package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Live votes of open polls, in Redis under the stream's hash tag: who voted what (so a viewer or leader votes
 * once and may change their mind), votes per option, and a version that grows with every change (the version of the
 * {@code poll.tally} state). PostgreSQL gets the final state when the poll closes.
 */
final class PollTallies {
  /** A vote's outcome: {@code refusal} null when counted ({@code closed} or {@code bad} otherwise). */
  record Vote(String refusal, long version, List<Integer> counts) {}

  /** A tally: votes per option and its version. */
  record Tally(long version, List<Integer> counts) {}

  /** Who voted what: ids and their options, in the same order. */
  record Ballots(List<Long> ids, List<Short> options) {}

  /** The final state: the tally, and who voted what (viewers and leaders apart, as they are recorded apart). */
  record Final(Tally tally, Ballots viewers, Ballots leaders) {}

  /** A leader's vote is kept under this prefix, so it can never be taken for a viewer's with the same id. */
  private static final String LEADER_VOTER = RoomMember.LEADER_PREFIX;

  private final Redis redis;
  private final String ttlSeconds;

  PollTallies(Redis redis, Duration ttl) {
    this.redis = redis;
    this.ttlSeconds = Long.toString(ttl.toSeconds());
  }

  /** True when it is open for votes (false: it was closed already). */
  Future<Boolean> open(Poll poll) {
    return redis.<Long>eval(RoomScripts.POLL_OPEN, keys(poll), Integer.toString(poll.options().size()), ttlSeconds)
        .map(opened -> opened == 1L);
  }

  /** Whom a vote is keyed on: a viewer's id (as it always was), or {@code leader:<id>} for a leader. */
  static String voter(Caller caller) {
    return (caller.isLeader() ? LEADER_VOTER : "") + caller.id();
  }

  /** Needs no poll record: the script knows whether the poll is open and how many options it has. */
  Future<Vote> vote(long streamId, long pollId, String voter, int option) {
    return redis.<List<Object>>eval(RoomScripts.POLL_VOTE, new RoomKeys(streamId).poll(pollId), voter,
            Integer.toString(option), ttlSeconds)
        .map(result -> {
          String outcome = String.valueOf(result.get(0));
          if (!"ok".equals(outcome)) {
            return new Vote(outcome, 0, List.of());
          }
          return new Vote(null, ((Number) result.get(1)).longValue(), integers(result, 2, result.size()));
        });
  }

  Future<Tally> tally(Poll poll) {
    String[] keys = keys(poll);
    return redis.<List<Object>>eval(RoomScripts.POLL_TALLY, new String[] {keys[2], keys[3]},
            Integer.toString(poll.options().size()))
        .map(result -> new Tally(((Number) result.get(0)).longValue(), integers(result, 1, result.size())));
  }

  /** Closes it to votes and reads the final state (safe to repeat: the answer does not change). */
  Future<Final> close(Poll poll) {
    int n = poll.options().size();
    return redis.<List<Object>>eval(RoomScripts.POLL_CLOSE, keys(poll), Integer.toString(n), ttlSeconds)
        .map(result -> {
          Ballots viewers = new Ballots(new ArrayList<>(), new ArrayList<>());
          Ballots leaders = new Ballots(new ArrayList<>(), new ArrayList<>());
          for (int i = 1 + n; i + 1 < result.size(); i += 2) {
            String voter = String.valueOf(result.get(i));
            boolean leader = voter.startsWith(LEADER_VOTER);
            Ballots ballots = leader ? leaders : viewers;
            ballots.ids().add(Long.parseLong(leader ? voter.substring(LEADER_VOTER.length()) : voter));
            ballots.options().add(Short.parseShort(String.valueOf(result.get(i + 1))));
          }
          Tally tally = new Tally(((Number) result.get(0)).longValue(), integers(result, 1, 1 + n));
          return new Final(tally, viewers, leaders);
        });
  }

  private static String[] keys(Poll poll) {
    return new RoomKeys(poll.streamId()).poll(poll.id());
  }

  private static List<Integer> integers(List<Object> values, int from, int to) {
    List<Integer> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(((Number) values.get(i)).intValue());
    }
    return out;
  }
}
