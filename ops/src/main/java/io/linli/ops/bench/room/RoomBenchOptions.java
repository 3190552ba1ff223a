package io.linli.ops.bench.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a run does; every flag has a default that meets the setup (10,000 sockets a node).
 *
 * @param sockets sockets per node (and for socket.io)
 * @param sources local addresses the sockets come from (127.0.0.x)
 * @param inFlight handshakes under way at once
 * @param updates counter updates measured
 * @param updateGapMs time between two counter updates: more than twice the 200 ms the room coalesces a state
 *     over (a join may move the counter twice: joined, then committed), so each update is sent at once
 * @param chatRate chat lines a second offered to the room, spread over {@code chatSenders} sockets
 * @param chatSeconds how long chat is offered
 * @param chatSenders sockets that send the chat (each stays under the room's 20 frames a second)
 */
record RoomBenchOptions(
    int sockets,
    List<String> sources,
    int inFlight,
    int updates,
    int updateGapMs,
    int chatRate,
    int chatSeconds,
    int chatSenders,
    int portA,
    int portB,
    int portSio,
    List<Long> pidsA,
    List<Long> pidsB,
    long pidSio) {

  static RoomBenchOptions parse(String[] args) {
    int sockets = 10_000;
    int sources = 4;
    int inFlight = 256;
    int updates = 40;
    int updateGapMs = 500;
    int chatRate = 50;
    int chatSeconds = 10;
    int chatSenders = 50;
    int portA = 0;
    int portB = 0;
    int portSio = 0;
    long pidA = 0;
    long pidB = 0;
    long pidSio = 0;
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    while (!rest.isEmpty()) {
      String flag = rest.remove(0);
      if (rest.isEmpty()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = rest.remove(0);
      switch (flag) {
        case "--sockets" -> sockets = Integer.parseInt(value);
        case "--sources" -> sources = Integer.parseInt(value);
        case "--in-flight" -> inFlight = Integer.parseInt(value);
        case "--updates" -> updates = Integer.parseInt(value);
        case "--update-gap-ms" -> updateGapMs = Integer.parseInt(value);
        case "--chat-rate" -> chatRate = Integer.parseInt(value);
        case "--chat-seconds" -> chatSeconds = Integer.parseInt(value);
        case "--chat-senders" -> chatSenders = Integer.parseInt(value);
        case "--port-a" -> portA = Integer.parseInt(value);
        case "--port-b" -> portB = Integer.parseInt(value);
        case "--port-sio" -> portSio = Integer.parseInt(value);
        case "--pid-a" -> pidA = Long.parseLong(value);
        case "--pid-b" -> pidB = Long.parseLong(value);
        case "--pid-sio" -> pidSio = Long.parseLong(value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= sources; i++) {
      addresses.add("127.0.0." + i);
    }
    return new RoomBenchOptions(sockets, addresses, inFlight, updates, updateGapMs, chatRate, chatSeconds,
        chatSenders, portA, portB, portSio, pidA == 0 ? List.of() : List.of(pidA), pidB == 0 ? List.of() : List.of(pidB),
        pidSio);
  }
}
