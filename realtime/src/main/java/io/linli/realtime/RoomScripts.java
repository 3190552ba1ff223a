package io.linli.realtime;

import io.lettuce.core.ScriptOutputType;
import io.linli.core.redis.LuaScript;

/** The room's Lua scripts, loaded once per JVM. */
final class RoomScripts {
  static final LuaScript PUBLISH = LuaScript.fromClasspath("lua/room_publish.lua", ScriptOutputType.INTEGER);
  static final LuaScript STATE = LuaScript.fromClasspath("lua/room_state.lua", ScriptOutputType.MULTI);
  static final LuaScript RESUME = LuaScript.fromClasspath("lua/room_resume.lua", ScriptOutputType.MULTI);
  static final LuaScript PRESENCE = LuaScript.fromClasspath("lua/room_presence.lua", ScriptOutputType.MULTI);

  private RoomScripts() {}
}
