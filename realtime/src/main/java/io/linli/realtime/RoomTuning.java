package io.linli.realtime;

import java.time.Duration;

/**
 * The room's timings and limits that are not operator settings (those are in LinliConfig). Tests shorten
 * some of them; production uses {@link #defaults()}.
 *
 * @param stateInterval least time between two frames of one state key (200 ms: at most 5 a second)
 * @param stuckAfter how long a socket's outbound queue may stay full before it is closed (4408)
 * @param closeGrace how long a closing socket gets to finish the close handshake before its TCP connection is cut
 * @param inboundPerSecond sustained client frames a second before the socket is closed (4429)
 * @param inboundBurst client frames allowed in a burst on top of that
 * @param presenceHeartbeat how often a node re-asserts its viewer counts
 * @param presenceTtl how long a node's viewer count counts without a heartbeat (a crashed node's viewers vanish)
 * @param roomTtl how long an idle room's seq, history and chat stay in Redis
 * @param chatKept chat messages kept for the snapshot
 * @param heldFrames frames held for one socket while it joins or resumes before it needs a fresh snapshot
 * @param pollSweep how often a node looks for polls whose timer ran out
 */
record RoomTuning(
    Duration stateInterval,
    Duration stuckAfter,
    Duration closeGrace,
    int inboundPerSecond,
    int inboundBurst,
    Duration presenceHeartbeat,
    Duration presenceTtl,
    Duration roomTtl,
    int chatKept,
    int heldFrames,
    Duration pollSweep) {

  static RoomTuning defaults() {
    return new RoomTuning(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(2), 20, 40,
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofDays(2), 50, 2000, Duration.ofSeconds(1));
  }

  RoomTuning withStuckAfter(Duration newStuckAfter, Duration newCloseGrace) {
    return new RoomTuning(stateInterval, newStuckAfter, newCloseGrace, inboundPerSecond, inboundBurst,
        presenceHeartbeat, presenceTtl, roomTtl, chatKept, heldFrames, pollSweep);
  }

  RoomTuning withPollSweep(Duration newPollSweep) {
    return new RoomTuning(stateInterval, stuckAfter, closeGrace, inboundPerSecond, inboundBurst,
        presenceHeartbeat, presenceTtl, roomTtl, chatKept, heldFrames, newPollSweep);
  }
}
