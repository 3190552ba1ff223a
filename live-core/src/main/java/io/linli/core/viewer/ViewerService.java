package io.linli.core.viewer;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/** Guest viewers: a household gets an id and a token from a nickname, no password, in one tap. */
public final class ViewerService {
  private final Platform platform;

  public ViewerService(Platform platform) {
    this.platform = platform;
  }

  public Future<JsonObject> create(String nickname, String phone) {
    long id = Ids.next();
    return platform.pool().preparedQuery("insert into viewers(id, nickname, phone) values ($1, $2, $3)")
        .execute(Tuple.of(id, nickname, phone))
        .map(x -> new JsonObject()
            .put("viewerId", Ids.toText(id))
            .put("nickname", nickname)
            .put("token", platform.tokens().issue(new Caller(Caller.Kind.VIEWER, id, nickname))));
  }
}
