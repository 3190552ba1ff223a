package io.linli.commerce.api;

import io.linli.core.http.Reply;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A CSV answer that a spreadsheet opens correctly, as a file: UTF-8 with a byte-order mark first. Excel on Windows
 * (what most shop owners open it with) reads a CSV without one in the system's ANSI code page and garbles the
 * Chinese; with it, Excel, Numbers, LibreOffice and Google Sheets all read UTF-8.
 */
final class CsvDownload {
  /** U+FEFF, written as the bytes EF BB BF in UTF-8. */
  static final String BOM = "\uFEFF";

  private CsvDownload() {}

  /** Sends the CSV as the download {@code filename}; answers the reply of a response that is already sent. */
  static Reply send(RoutingContext ctx, String filename, String csv) {
    ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"")
        .end(BOM + csv);
    return Reply.ok(new JsonObject());
  }
}
