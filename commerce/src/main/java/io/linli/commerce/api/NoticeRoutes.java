package io.linli.commerce.api;

import io.linli.commerce.order.OrderNotices;
import io.linli.core.auth.Auth;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.linli.core.viewer.ViewerNotices;
import io.vertx.ext.web.RoutingContext;

/** HTTP for a household's own order notices: what its personal socket sent, read again (the order page). */
public final class NoticeRoutes {
  private final Auth auth;
  private final OrderNotices notices;

  public NoticeRoutes(Auth auth, OrderNotices notices) {
    this.auth = auth;
    this.notices = notices;
  }

  public void mount(Api api) {
    // The validator has checked both are whole numbers in range.
    api.on("listMyOrderEvents", ctx -> auth.caller(ctx)
        .compose(c -> notices.mine(c, longParam(ctx, "after", 0), (int) longParam(ctx, "limit",
            ViewerNotices.MAX_READ)))
        .map(Reply::ok));
  }

  private static long longParam(RoutingContext ctx, String name, long otherwise) {
    String text = ctx.request().getParam(name);
    return text == null ? otherwise : Long.parseLong(text);
  }
}
