package io.linli.commerce.deal;

import io.linli.core.room.RoomEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The room port as a list: what a module told the viewers, in order. */
final class RecordingRoom implements RoomEvents {
  record Event(long streamId, String type, JsonObject fields) {}

  final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public Future<Void> publish(long streamId, String type, JsonObject fields) {
    events.add(new Event(streamId, type, fields.copy()));
    return Future.succeededFuture();
  }

  @Override
  public void publishState(long streamId, String type, String key, long version, JsonObject fields) {
    events.add(new Event(streamId, type, fields.copy()));
  }

  long count(String type, String field, String value) {
    return events.stream().filter(e -> e.type().equals(type) && value.equals(e.fields().getString(field))).count();
  }
}
