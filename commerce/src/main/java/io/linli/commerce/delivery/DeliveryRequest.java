package io.linli.commerce.delivery;

import io.vertx.core.json.JsonObject;

/**
 * A household asking for its bag at the door: the address, where it is (a community/小区 name, or a point),
 * a phone for the courier, and the slot it wants ({@code date} for a daily window; default the next one).
 */
public record DeliveryRequest(String address, String community, Double latitude, Double longitude,
    String contactPhone, String slotId, String date) {

  /** The join body's {@code delivery} object (its shape already checked against the OpenAPI document). */
  public static DeliveryRequest from(JsonObject d) {
    return d == null ? null : new DeliveryRequest(d.getString("address"), d.getString("community"),
        d.getDouble("latitude"), d.getDouble("longitude"), d.getString("contactPhone"), d.getString("slotId"),
        d.getString("date"));
  }
}
