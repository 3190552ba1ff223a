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

  String viewersUnique() {
    return prefix() + ":viewers:unique";
  }

  String viewersPeak() {
    return prefix() + ":viewers:peak";
  }

  String likes() {
    return prefix() + ":likes";
  }

  String pinned() {
    return prefix() + ":pinned";
  }

  String slowMode() {
    return prefix() + ":slow";
  }

  /** A person's slow-mode mark: present while they must wait. */
  String slowMark(String personId) {
    return prefix() + ":slow:" + personId;
  }

  /** A person's mute: present (with its expiry) while they are muted. */
  String mute(String personId) {
    return prefix() + ":mute:" + personId;
  }

  /** A person's chat token bucket. */
  String chatBucket(String personId) {
    return prefix() + ":rate:" + personId;
  }

  /** A poll's keys: state, votes, tally, tally version. */
  String[] poll(long pollId) {
    String poll = prefix() + ":poll:" + Ids.toText(pollId);
    return new String[] {poll, poll + ":votes", poll + ":tally", poll + ":version"};
  }
}
