package io.linli.ops.bench;

import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Redis side of a deal for system (c). Key names come from commerce's own {@code DealKeys} and the starting
 * state from a real deal Linli opened, so (c) keeps running exactly the node's script on the node's layout while
 * commerce evolves. {@code DealKeys} is package-private, hence the reflection (a public accessor in commerce
 * would make it unnecessary).
 */
final class LuaDeal {
  private static final Constructor<?> KEYS;

  static {
    try {
      KEYS = Class.forName("io.linli.commerce.deal.DealKeys").getDeclaredConstructor(long.class);
      KEYS.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("commerce's DealKeys changed shape; update LuaDeal", e);
    }
  }

  private LuaDeal() {}

  /** The keys the node passes to deal_join.lua, in its order. */
  static String[] joinKeys(long dealId) {
    return (String[]) call(dealId, "forJoin");
  }

  /** One named key of the deal: state, buyers, idempotency, inflight, committed. */
  static String key(long dealId, String name) {
    return (String) call(dealId, name);
  }

  /** Loads commerce's join script into Redis' cache; answers its SHA for EVALSHA. */
  static String loadJoinScript(RedisCommands<String, String> redis) {
    return redis.scriptLoad(script("lua/deal_join.lua"));
  }

  /**
   * Opens deal {@code dealId} in Redis only (PostgreSQL never hears of it, so the node's sweepers leave it alone)
   * with the state Linli gave {@code template}, a deal it opened through the API with the same stock and limit.
   */
  static void openLike(RedisCommands<String, String> redis, long template, long dealId) {
    Map<String, String> state = redis.hgetall(key(template, "state"));
    if (state.isEmpty()) {
      throw new IllegalStateException("Linli deal " + template + " has no state in Redis");
    }
    redis.hset(key(dealId, "state"), state);
  }

  private static Object call(long dealId, String method) {
    try {
      Object keys = KEYS.newInstance(dealId);
      Method m = keys.getClass().getDeclaredMethod(method);
      m.setAccessible(true);
      return m.invoke(keys);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("commerce's DealKeys has no " + method + "(); update LuaDeal", e);
    }
  }

  private static String script(String resource) {
    try (InputStream in = LuaDeal.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource + " on the classpath (it ships in commerce)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
