package io.linli.commerce.deal;

import io.linli.core.room.RoomEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The room port as a list: what a module told the viewers, in order. */
final class RecordingRoom implements RoomEvents {
  /** {@code key} and {@code version} are a state's ({@link #publishState}); an event has none (null, -1). */
  record Event(long streamId, String type, JsonObject fields, String key, long version) {}

  final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public Future<Void> publish(long streamId, String type, JsonObject fields) {
    events.add(new Event(streamId, type, fields.copy(), null, -1));
    return Future.succeededFuture();
  }

  @Override
  public void publishState(long streamId, String type, String key, long version, JsonObject fields) {
    events.add(new Event(streamId, type, fields.copy(), key, version));
  }

  long count(String type, String field, String value) {
    return events.stream().filter(e -> e.type().equals(type) && value.equals(e.fields().getString(field))).count();
  }

  /** The states of a key, in the order they were told. */
  List<Event> states(String key) {
    return events.stream().filter(e -> key.equals(e.key())).toList();
  }

  /** What a phone shows for the key in the end, whatever order the frames came in: the newest version. */
  Event newest(String key) {
    return states(key).stream().max(Comparator.comparingLong(Event::version))
        .orElseThrow(() -> new AssertionError("nothing told for " + key));
  }
}
