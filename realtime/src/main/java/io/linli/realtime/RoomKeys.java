package io.linli.realtime;

import io.linli.core.id.Ids;

/**
 * Redis names of one stream's room. Every key shares the hash tag {@code {stream:ID}}, so one script may touch
 * them all on a Redis Cluster too; the pub/sub channel carries the same tag.
 */
record RoomKeys(long streamId) {

  private String prefix() {
    return "room:{stream:" + Ids.toText(streamId) + "}";
  }

  String channel() {
    return prefix();
  }

  String seq() {
    return prefix() + ":seq";
  }

  String history() {
    return prefix() + ":history";
  }

  String epoch() {
    return prefix() + ":epoch";
  }

  String chat() {
    return prefix() + ":chat";
  }

  String viewersByNode() {
    return prefix() + ":viewers";
  }

  String viewersTotal() {
    return prefix() + ":viewers:total";
  }

  String viewersVersion() {
    return prefix() + ":viewers:version";
  }
}
