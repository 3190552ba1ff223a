package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.room.RoomEvents;
import io.linli.core.room.SnapshotSource;
import io.linli.core.stream.StreamService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls (投票). The host or staff create one (HTTP), open it and close it, or its timer closes it; viewers and
 * leaders vote from their socket ({@code poll.vote}), once each, and may change their vote until it closes.
 * Tallies live in Redis and reach the room as the coalesced {@code poll.tally} state; opening and closing are events
 * ({@code poll.opened}, {@code poll.closed}). The final result is written to PostgreSQL once, by a conditional
 * update, whichever node closes it. The room's snapshot lists open polls and those closed recently.
 */
final class PollService implements SnapshotSource {
  private static final Logger LOG = LoggerFactory.getLogger(PollService.class);
  static final String OPENED = "poll.opened";
  static final String TALLY = "poll.tally";
  static final String CLOSED = "poll.closed";
  /** How long a closed poll stays in the snapshot, and how many polls it shows at most. */
  static final int RECENT_MINUTES = 15;
  static final int SHOWN = 10;

  private final PollStore store;
  private final PollTallies tallies;
  private final RoomEvents events;
  private final Supplier<StreamService> streams;

  PollService(PollStore store, PollTallies tallies, RoomEvents events, Supplier<StreamService> streams) {
    this.store = store;
    this.tallies = tallies;
    this.events = events;
    this.streams = streams;
  }

  /** A DRAFT poll (staff of the stream's store). */
  Future<JsonObject> create(Caller caller, long streamId, String question, List<String> options,
      Integer durationSeconds) {
    List<String> trimmed = options.stream().map(String::strip).toList();
    if (question.isBlank() || trimmed.stream().anyMatch(String::isEmpty)) {
      return Future.failedFuture(Problem.validation(question.isBlank() ? "question" : "options",
          "must not be blank"));
    }
    return streams.get().requireStaff(caller, streamId)
        .compose(stream -> store.create(streamId, question.strip(), trimmed, durationSeconds, caller.id()))
        .map(Poll::toJson);
  }

  Future<JsonObject> get(Caller caller, long pollId) {
    return staffPoll(caller, pollId).compose(this::withTally);
  }

  /** DRAFT to OPEN (its timer starts now). Opening an open poll again is fine; a closed one stays closed (409). */
  Future<JsonObject> open(Caller caller, long pollId) {
    return staffPoll(caller, pollId).compose(poll -> switch (poll.status()) {
      case Poll.CLOSED -> Future.failedFuture(Problem.conflict("poll-closed", "Poll closed",
          "This poll is closed; create a new one."));
      // Open in PostgreSQL already: make sure Redis agrees (it may have lost the poll), nothing to announce.
      case Poll.OPEN -> tallies.open(poll).compose(x -> withTally(poll));
      default -> store.open(pollId)
          .compose(x -> store.get(pollId))
          .compose(opened -> tallies.open(opened)
              .compose(x -> events.publish(opened.streamId(), OPENED, new JsonObject().put("poll", opened.toJson())))
              .map(x -> opened.toJson()));
    });
  }

  /** OPEN to CLOSED with the final result; closing a closed poll answers it as it is; a draft cannot close (409). */
  Future<JsonObject> close(Caller caller, long pollId) {
    return staffPoll(caller, pollId).compose(poll -> switch (poll.status()) {
      case Poll.DRAFT -> Future.failedFuture(Problem.conflict("poll-not-open", "Poll not open",
          "Only an open poll can be closed."));
      case Poll.CLOSED -> Future.succeededFuture(poll.toJson());
      default -> closeNow(poll).map(Poll::toJson);
    });
  }

  /** Closes the polls whose timer ran out (every node runs this; each poll closes once). */
  Future<Void> closeDue() {
    return store.due(50).compose(ids -> {
      List<Future<Poll>> closing = new ArrayList<>();
      for (long id : ids) {
        closing.add(store.get(id).compose(poll -> poll != null && poll.isOpen() ? closeNow(poll)
            : Future.succeededFuture(poll)));
      }
      return Future.join(closing).mapEmpty();
    });
  }

  /**
   * Votes first stop in Redis, which then gives the final state; PostgreSQL records it only if the poll is
   * still open there, so when two nodes close at once one records and announces, the other reads the result.
   */
  private Future<Poll> closeNow(Poll poll) {
    return tallies.close(poll)
        .compose(last -> store.close(poll.id(), last.tally().counts(), last.viewers(), last.leaders())
            .compose(won -> store.get(poll.id()).compose(closed -> !won ? Future.succeededFuture(closed)
                : events.publish(poll.streamId(), CLOSED, new JsonObject()
                        .put("poll", closed.toJson(null, last.tally().version())))
                    .map(closed))));
  }

  /**
   * {@code poll.vote {pollId, option}} from a viewer's or leader's socket; the voter hears {@code poll.voted}. One
   * vote per person: a viewer's is keyed by their id, a leader's by {@code leader:<id>} ({@link PollTallies#voter}).
   */
  void vote(RoomSession session, JsonObject frame) {
    if (!session.member().audience()) {
      session.error("forbidden", "The host and staff do not vote.");
      return;
    }
    long pollId = frame.getValue("pollId") instanceof String s ? Ids.parse(s) : -1;
    Integer option = RoomModeration.whole(frame.getValue("option"), 0, 5);
    if (pollId < 0 || option == null) {
      session.error("bad-vote", "poll.vote needs pollId and option (the option's index, from 0).");
      return;
    }
    vote(session.streamId(), pollId, PollTallies.voter(session.member().caller()), option, true)
        .onSuccess(refusal -> {
          if (refusal == null) {
            session.tell(new JsonObject().put("type", "poll.voted").put("pollId", Ids.toText(pollId))
                .put("option", option));
          } else if ("bad".equals(refusal)) {
            session.error("bad-vote", "This poll has no option " + option + ".");
          } else {
            session.error("poll-closed", "This poll is not open for votes.");
          }
        })
        .onFailure(e -> {
          LOG.warn("vote on poll {} failed: {}", Ids.toText(pollId), e.toString());
          session.error("unavailable", "The vote was not counted; try again.");
        });
  }

  /** Null when counted, else the refusal. */
  private Future<String> vote(long streamId, long pollId, String voter, int option, boolean mayHeal) {
    return tallies.vote(streamId, pollId, voter, option).compose(vote -> {
      if (vote.refusal() == null) {
        events.publishState(streamId, TALLY, Poll.stateKey(pollId), vote.version(), tallyFields(pollId, vote.counts()));
        return Future.succeededFuture(null);
      }
      if (!"closed".equals(vote.refusal()) || !mayHeal) {
        return Future.succeededFuture(vote.refusal());
      }
      // Unknown to Redis: it may have lost an open poll (a restart). PostgreSQL decides; Redis starts it again.
      return store.get(pollId).compose(poll -> poll == null || poll.streamId() != streamId || !poll.isOpen()
          ? Future.succeededFuture(vote.refusal())
          : tallies.open(poll).compose(x -> vote(streamId, pollId, voter, option, false)));
    });
  }

  @Override
  public Future<JsonObject> snapshot(long streamId) {
    return store.shown(streamId, RECENT_MINUTES, SHOWN)
        .compose(polls -> Future.all(polls.stream().map(this::withTally).toList()).map(all -> {
          // An open poll's tally is a state: no older poll.tally may follow the snapshot.
          JsonObject versions = new JsonObject();
          for (int i = 0; i < polls.size(); i++) {
            if (polls.get(i).isOpen()) {
              versions.put(Poll.stateKey(polls.get(i).id()), all.<JsonObject>resultAt(i).getLong("version"));
            }
          }
          return new JsonObject().put("polls", new JsonArray(all.list())).put(SnapshotSource.VERSIONS, versions);
        }));
  }

  private Future<JsonObject> withTally(Poll poll) {
    return poll.isOpen() ? tallies.tally(poll).map(t -> poll.toJson(t.counts(), t.version()))
        : Future.succeededFuture(poll.toJson());
  }

  private Future<Poll> staffPoll(Caller caller, long pollId) {
    return store.get(pollId).compose(poll -> poll == null
        ? Future.failedFuture(Problem.notFound("Poll", Ids.toText(pollId)))
        : streams.get().requireStaff(caller, poll.streamId()).map(stream -> poll));
  }

  private static JsonObject tallyFields(long pollId, List<Integer> counts) {
    return new JsonObject().put("pollId", Ids.toText(pollId)).put("counts", new JsonArray(counts))
        .put("total", counts.stream().mapToInt(Integer::intValue).sum());
  }
}
