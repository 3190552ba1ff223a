package io.linli.core.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script loaded once from the classpath and run with EVALSHA; when Redis answers NOSCRIPT (its script
 * cache is empty after a restart or fail-over) it is sent once more with EVAL, which also re-caches it.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;
  private final ScriptOutputType output;

  private LuaScript(String name, String source, ScriptOutputType output) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
    this.output = output;
  }

  public static LuaScript fromClasspath(String resource, ScriptOutputType output) {
    try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing Lua script " + resource);
      }
      return new LuaScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public <T> CompletionStage<T> eval(RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
    CompletionStage<T> first = redis.evalsha(sha, output, keys, args);
    return first.handle((value, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(value);
      }
      Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
      if (cause instanceof RedisNoScriptException
          || (cause != null && String.valueOf(cause.getMessage()).startsWith("NOSCRIPT"))) {
        return redis.<T>eval(source, output, keys, args).toCompletableFuture();
      }
      return CompletableFuture.<T>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  public String name() {
    return name;
  }

  private static String sha1(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
