package io.linli.realtime;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.atomic.AtomicInteger;

/** A store with its owner, a staff member, a live stream, and a way to make viewers: rows, as SQL inserts. */
final class Shop {
  private static final AtomicInteger PHONES = new AtomicInteger();

  final long storeId = Ids.next();
  final long ownerId = Ids.next();
  final long staffId = Ids.next();
  final long streamId = Ids.next();
  private final Platform platform;

  private Shop(Platform platform) {
    this.platform = platform;
  }

  static Shop open(Platform platform) {
    Shop shop = new Shop(platform);
    shop.insert();
    return shop;
  }

  private void insert() {
    var pool = platform.pool();
    pool.preparedQuery("insert into stores(id, name, timezone) values ($1, $2, 'Asia/Shanghai')")
        .execute(Tuple.of(storeId, "鲜邻优选")).await();
    for (long id : new long[] {ownerId, staffId}) {
      pool.preparedQuery("insert into staff(id, name, phone, password_hash) values ($1, $2, $3, 'x')")
          .execute(Tuple.of(id, id == ownerId ? "店长" : "小王", "1380000" + PHONES.incrementAndGet())).await();
    }
    pool.preparedQuery("insert into store_staff(store_id, staff_id, role) values ($1, $2, 'OWNER'), ($1, $3, 'STAFF')")
        .execute(Tuple.of(storeId, ownerId, staffId)).await();
    pool.preparedQuery("insert into streams(id, store_id, title, scheduled_at, status, share_code)"
            + " values ($1, $2, 'Wednesday cooking', now(), 'LIVE', $3)")
        .execute(Tuple.of(streamId, storeId, "sc" + streamId)).await();
  }

  String stream() {
    return Ids.toText(streamId);
  }

  String ownerToken() {
    return platform.tokens().issue(new Caller(Caller.Kind.STAFF, ownerId, "店长"));
  }

  String staffToken() {
    return platform.tokens().issue(new Caller(Caller.Kind.STAFF, staffId, "小王"));
  }

  /** A new viewer row and its token. */
  String viewer(String nickname) {
    return household(nickname).token();
  }

  /** A viewer as moderation frames name them (id) and as they connect (token). */
  record Household(String id, String nickname, String token) {}

  Household household(String nickname) {
    long id = Ids.next();
    platform.pool().preparedQuery("insert into viewers(id, nickname) values ($1, $2)")
        .execute(Tuple.of(id, nickname)).await();
    return new Household(Ids.toText(id), nickname,
        platform.tokens().issue(new Caller(Caller.Kind.VIEWER, id, nickname)));
  }

  Caller owner() {
    return new Caller(Caller.Kind.STAFF, ownerId, "店长");
  }
}
