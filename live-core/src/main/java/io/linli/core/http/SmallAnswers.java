package io.linli.core.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Ends a response with a JSON body, compressed only when it is large enough to be worth it. Phones accept gzip on
 * every request, and a compressor per answer costs the node more than it saves on a join's few hundred bytes, which
 * fit in one TCP segment either way. Vert.x 5.0's {@code HttpServerOptions.setCompressionContentSizeThreshold}
 * does not stop that (a bare server with it still gzipped an 11-byte answer), so small answers say
 * {@code identity}, which Vert.x's compressor honours and removes before sending.
 */
public final class SmallAnswers {
  /** Below this many bytes, an answer goes out as it is (nginx and Express draw the line at about 1 KB too). */
  public static final int COMPRESS_FROM_BYTES = 1024;
  private static final CharSequence IDENTITY = HttpHeaders.createOptimized("identity");

  private SmallAnswers() {}

  public static void end(HttpServerResponse response, CharSequence contentType, Buffer body) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    if (body.length() < COMPRESS_FROM_BYTES) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, IDENTITY);
    }
    response.end(body);
  }
}
