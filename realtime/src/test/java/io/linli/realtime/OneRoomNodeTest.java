package io.linli.realtime;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test with one room node of its own per test (fresh database) and a shop with a live stream on it. */
@ExtendWith(VertxExtension.class)
abstract class OneRoomNodeTest {
  RoomNode node;
  Shop shop;

  @BeforeEach
  void startNode(Vertx vertx) {
    node = RoomNode.start(vertx, RoomNode.freshDatabase());
    shop = Shop.open(node.platform);
  }

  @AfterEach
  void stopNode() {
    node.close();
  }
}
