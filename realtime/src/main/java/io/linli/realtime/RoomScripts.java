package io.linli.realtime;

import io.lettuce.core.ScriptOutputType;
import io.linli.core.redis.LuaScript;

/** The room's Lua scripts, loaded once per JVM. */
final class RoomScripts {
  static final LuaScript PUBLISH = LuaScript.fromClasspath("lua/room_publish.lua", ScriptOutputType.INTEGER);
  static final LuaScript STATE = LuaScript.fromClasspath("lua/room_state.lua", ScriptOutputType.MULTI);
  static final LuaScript RESUME = LuaScript.fromClasspath("lua/room_resume.lua", ScriptOutputType.MULTI);
  static final LuaScript PRESENCE = LuaScript.fromClasspath("lua/room_presence.lua", ScriptOutputType.MULTI);
  static final LuaScript LIKES = LuaScript.fromClasspath("lua/room_likes.lua", ScriptOutputType.INTEGER);
  static final LuaScript CHAT_ADMIT = LuaScript.fromClasspath("lua/chat_admit.lua", ScriptOutputType.MULTI);
  static final LuaScript CHAT_DELETE = LuaScript.fromClasspath("lua/chat_delete.lua", ScriptOutputType.INTEGER);
  static final LuaScript POLL_OPEN = LuaScript.fromClasspath("lua/poll_open.lua", ScriptOutputType.INTEGER);
  static final LuaScript POLL_VOTE = LuaScript.fromClasspath("lua/poll_vote.lua", ScriptOutputType.MULTI);
  static final LuaScript POLL_TALLY = LuaScript.fromClasspath("lua/poll_tally.lua", ScriptOutputType.MULTI);
  static final LuaScript POLL_CLOSE = LuaScript.fromClasspath("lua/poll_close.lua", ScriptOutputType.MULTI);

  private RoomScripts() {}
}
