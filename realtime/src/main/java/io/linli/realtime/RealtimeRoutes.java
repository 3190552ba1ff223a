package io.linli.realtime;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.core.auth.Auth;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** HTTP for the room's host console: polls (create, open, close, read). Voting is a socket frame. */
public final class RealtimeRoutes {
  private final Auth auth;
  private final PollService polls;

  RealtimeRoutes(Auth auth, PollService polls) {
    this.auth = auth;
    this.polls = polls;
  }

  public void mount(Api api) {
    api.on("createPoll", this::createPoll)
        .on("getPoll", ctx -> auth.staff(ctx).compose(c -> polls.get(c, id(ctx, "pollId", "Poll"))).map(Reply::ok))
        .on("openPoll", ctx -> auth.staff(ctx).compose(c -> polls.open(c, id(ctx, "pollId", "Poll"))).map(Reply::ok))
        .on("closePoll", ctx -> auth.staff(ctx).compose(c -> polls.close(c, id(ctx, "pollId", "Poll")))
            .map(Reply::ok));
  }

  private Future<Reply> createPoll(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    long streamId = id(ctx, "streamId", "Stream");
    List<String> options = b.getJsonArray("options").stream().map(String::valueOf).toList();
    return auth.staff(ctx)
        .compose(c -> polls.create(c, streamId, b.getString("question"), options, b.getInteger("durationSeconds")))
        .map(Reply::created);
  }
}
