package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.delivery.DeliveryZones;
import io.linli.commerce.delivery.ZoneSpec;
import io.linli.commerce.fulfillment.DeliveryHandover;
import io.linli.commerce.fulfillment.DeliveryRunSheet;
import io.linli.core.auth.Auth;
import io.linli.core.error.Problem;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** HTTP for delivery to the door: the store's zones and slots, out for delivery, handover, the run sheet. */
public final class DeliveryRoutes {
  private final Auth auth;
  private final DeliveryZones zones;
  private final DeliveryHandover handover;
  private final DeliveryRunSheet runSheet;

  public DeliveryRoutes(Auth auth, DeliveryZones zones, DeliveryHandover handover, DeliveryRunSheet runSheet) {
    this.auth = auth;
    this.zones = zones;
    this.handover = handover;
    this.runSheet = runSheet;
  }

  public void mount(Api api) {
    api.on("createDeliveryZone", ctx -> auth.staff(ctx)
            .compose(c -> zones.create(c, id(ctx, "storeId", "Store"), ZoneSpec.parse(Api.body(ctx))))
            .map(Reply::created))
        .on("listDeliveryZones", ctx -> auth.caller(ctx)
            .compose(c -> zones.list(c, id(ctx, "storeId", "Store"))).map(Reply::ok))
        .on("updateDeliveryZone", ctx -> auth.staff(ctx)
            .compose(c -> zones.update(c, id(ctx, "zoneId", "Delivery zone"), ZoneSpec.parse(Api.body(ctx))))
            .map(Reply::ok))
        .on("outForDelivery", ctx -> auth.staff(ctx)
            .compose(c -> handover.outForDelivery(c, id(ctx, "orderId", "Order"))).map(Reply::ok))
        .on("deliverOrder", ctx -> {
          // The code is optional: without it, staff vouch that the bag was handed over.
          RequestParameter body = Api.validated(ctx).getBody();
          JsonObject b = body == null || body.isNull() ? new JsonObject() : body.getJsonObject();
          return auth.staff(ctx).compose(c -> handover.delivered(c, id(ctx, "orderId", "Order"), b.getString("code")))
              .map(Reply::ok);
        })
        .on("deliveryRunSheet", this::runSheet);
  }

  private Future<Reply> runSheet(RoutingContext ctx) {
    long storeId = id(ctx, "storeId", "Store");
    long slotId = id(ctx, "slotId", "Delivery slot");
    LocalDate date = day(ctx.request().getParam("date"));
    boolean csv = "csv".equals(ctx.request().getParam("format"));
    return auth.staff(ctx).compose(c -> {
      if (!csv) {
        return runSheet.json(c, storeId, slotId, date).map(Reply::ok);
      }
      return runSheet.csv(c, storeId, slotId, date).map(text -> CsvDownload.send(ctx,
          "delivery-run-" + Ids.toText(slotId) + (date == null ? "" : "-" + date) + ".csv", text));
    });
  }

  private static LocalDate day(String text) {
    try {
      return text == null ? null : LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw Problem.validation("date", "must be a day like 2026-11-25");
    }
  }
}
