package io.linli.commerce.aftersales;

import io.vertx.core.json.JsonObject;

/**
 * A store's after-sales rules: how long after handover a household may claim, how much the point's leader may
 * pay on the spot per claim, and how large a claim's photo may be (at most {@link #PHOTO_CEILING_BYTES}, so
 * its base64 form fits under the node's 1 MiB request limit).
 */
public record AfterSalesSettings(int claimWindowHours, long leaderLimitFen, int photoMaxBytes) {
  public static final int PHOTO_CEILING_BYTES = 512 * 1024;
  public static final AfterSalesSettings DEFAULT = new AfterSalesSettings(48, 2000, PHOTO_CEILING_BYTES);

  public JsonObject toJson() {
    return new JsonObject().put("claimWindowHours", claimWindowHours).put("leaderLimitFen", leaderLimitFen)
        .put("photoMaxBytes", photoMaxBytes);
  }
}
