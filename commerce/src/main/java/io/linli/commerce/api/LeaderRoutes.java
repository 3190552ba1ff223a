package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.leader.LeaderService;
import io.linli.core.auth.Auth;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.vertx.core.json.JsonObject;

/** HTTP for leaders: staff register and settle with them; a leader signs in and sees the bags at their points. */
public final class LeaderRoutes {
  private final Auth auth;
  private final LeaderService leaders;

  public LeaderRoutes(Auth auth, LeaderService leaders) {
    this.auth = auth;
    this.leaders = leaders;
  }

  public void mount(Api api) {
    api.on("registerLeader", ctx -> {
      JsonObject b = Api.body(ctx);
      return auth.staff(ctx).compose(c -> leaders.register(c, id(ctx, "storeId", "Store"),
          new LeaderService.NewLeader(b.getString("name"), b.getString("phone"), b.getString("password"))))
          .map(Reply::created);
    }).on("listLeaders", ctx -> auth.staff(ctx)
        .compose(c -> leaders.list(c, id(ctx, "storeId", "Store"))).map(Reply::ok)
    ).on("leaderSignIn", ctx -> {
      JsonObject b = Api.body(ctx);
      return leaders.signIn(b.getString("phone"), b.getString("password")).map(Reply::ok);
    }).on("leaderBags", ctx -> auth.leader(ctx)
        .compose(c -> leaders.bags(c, ctx.request().getParam("status"))).map(Reply::ok)
    ).on("leaderLedger", ctx -> auth.caller(ctx)
        .compose(c -> leaders.ledger(c, id(ctx, "leaderId", "Leader"))).map(Reply::ok)
    ).on("settleLeader", ctx -> auth.staff(ctx)
        .compose(c -> leaders.settle(c, id(ctx, "leaderId", "Leader"))).map(Reply::created));
  }
}
