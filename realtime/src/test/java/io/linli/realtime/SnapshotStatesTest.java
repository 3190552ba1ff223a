package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.room.SnapshotSource;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A snapshot reads the room's seq first and the modules' parts after it, so under load (a join storm keeps
 * PostgreSQL busy) a part can show a state newer than frames that come after the snapshot. Those frames must
 * not reach the phone: it would apply them and show an older count than it already has, for good if no newer
 * frame follows (the counter of a deal that sold out stays where the stale frame left it).
 */
class SnapshotStatesTest extends OneRoomNodeTest {
  private static final String KEY = "counter:1";

  @Test
  void aStateOlderThanWhatTheSnapshotShowsNeverFollowsIt() throws Exception {
    // A module's part that is slow to read, as commerce's deals are while PostgreSQL takes a storm of joins.
    CompletableFuture<Context> asked = new CompletableFuture<>();
    CompletableFuture<JsonObject> part = new CompletableFuture<>();
    node.realtime.addSnapshotSource(streamId -> {
      Context context = Vertx.currentContext();
      asked.complete(context);
      return Future.fromCompletionStage(part, context);
    });

    try (Phone phone = Phone.connect(node.vertx, node.port(), shop.stream(), shop.viewer("Mei"))) {
      asked.get(10, TimeUnit.SECONDS); // the seq is read; the part is being read
      // The module moved on meanwhile: version 5 is sent now, and goes out after the snapshot's seq ...
      node.realtime.events().publishState(shop.streamId, "counter.state", KEY, 5, new JsonObject().put("value", 5));
      node.realtime.events().publish(shop.streamId, "marker", new JsonObject()).await();
      // ... while the part, read later, already shows version 10.
      part.complete(new JsonObject().put("counter", 10)
          .put(SnapshotSource.VERSIONS, new JsonObject().put(KEY, 10)));

      JsonObject snapshot = phone.awaitType("room.snapshot");
      assertThat(snapshot.getLong("counter")).isEqualTo(10);
      phone.awaitType("marker");
      node.realtime.events().publishState(shop.streamId, "counter.state", KEY, 11, new JsonObject().put("value", 11));
      phone.await(f -> "counter.state".equals(f.getString("type")) && f.getLong("value") == 11, Duration.ofSeconds(5));

      assertThat(phone.frames("counter.state")).extracting(f -> f.getLong("value"))
          .as("the counter never goes back from the 10 its snapshot showed").containsExactly(11L);
      assertThat(snapshot.getJsonObject("versions").getLong(KEY)).as("what the snapshot shows, by key").isEqualTo(10);
    }
  }
}
