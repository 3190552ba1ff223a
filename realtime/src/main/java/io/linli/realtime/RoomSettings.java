package io.linli.realtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The room's operator settings ({@code LINLI_CHAT_*}, {@code LINLI_LIKES_*}, {@code LINLI_PRESENCE_*}), read
 * from the environment like {@code LinliConfig}'s and listed in ROOM-PROTOCOL.md. They live here, not in
 * LinliConfig, because only the room reads them; a bad value fails at start with the variable's name.
 *
 * @param chatBurst messages one person may send in a burst (token bucket size, shared by all nodes)
 * @param chatRefill time in which a whole burst refills
 * @param chatSampleAbove chatter a second per stream and node above which viewers' messages are sampled
 * @param chatFramesPerSecond most chat frames a second a socket gets (messages beyond go in batches)
 * @param bannedWords words and phrases a chat message may not contain
 * @param likesPerFrame most likes one {@code like.send} counts (more is counted as this many)
 * @param presenceEventsBelow presence.join/leave are sent only while the room has fewer viewers than this
 * @param allowedOrigins sites (besides the node's own address) whose pages may open the room and personal sockets;
 *     {@code *} allows any
 */
record RoomSettings(
    int chatBurst,
    Duration chatRefill,
    int chatSampleAbove,
    int chatFramesPerSecond,
    List<String> bannedWords,
    int likesPerFrame,
    int presenceEventsBelow,
    List<String> allowedOrigins) {

  static final String DEFAULT_BANNED_WORDS = "chat/banned-words.txt";

  static RoomSettings defaults() {
    return from(Map.of());
  }

  static RoomSettings from(Map<String, String> env) {
    List<String> words = new ArrayList<>(read(env, "LINLI_CHAT_BANNED_WORDS_FILE")
        .map(RoomSettings::wordsFromFile)
        .orElseGet(RoomSettings::defaultWords));
    read(env, "LINLI_CHAT_BANNED_WORDS").ifPresent(extra -> words.addAll(Arrays.asList(extra.split(","))));
    return new RoomSettings(
        integer(env, "LINLI_CHAT_RATE_MESSAGES", 3, 1, 1000),
        Duration.ofMillis(integer(env, "LINLI_CHAT_RATE_MILLIS", 2000, 100, 3_600_000)),
        integer(env, "LINLI_CHAT_SAMPLE_ABOVE", 50, 1, 1_000_000),
        integer(env, "LINLI_CHAT_FRAMES_PER_SECOND", 10, 1, 1000),
        words.stream().map(String::strip).filter(w -> !w.isEmpty() && !w.startsWith("#")).distinct().toList(),
        integer(env, "LINLI_LIKES_MAX_PER_FRAME", 50, 1, 100_000),
        integer(env, "LINLI_PRESENCE_EVENTS_BELOW", 1000, 0, 10_000_000),
        origins(read(env, "LINLI_WS_ALLOWED_ORIGINS").orElse("")));
  }

  /** Comma-separated origins such as {@code https://shop.example.com}; a typo fails at start, naming the value. */
  private static List<String> origins(String raw) {
    List<String> origins = Arrays.stream(raw.split(",")).map(String::strip).filter(o -> !o.isEmpty()).toList();
    for (String origin : origins) {
      if (!origin.equals("*") && OriginCheck.normalise(origin).isEmpty()) {
        throw new IllegalArgumentException("LINLI_WS_ALLOWED_ORIGINS must list origins like https://shop.example.com"
            + " (or *), got '" + origin + "'");
      }
    }
    return origins;
  }

  private static Optional<String> read(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    return read(env, name).map(raw -> {
      int value;
      try {
        value = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number, got '" + raw + "'");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }).orElse(fallback);
  }

  /** One word or phrase per line; blank lines and lines starting with # are skipped. */
  private static List<String> wordsFromFile(String file) {
    try {
      return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("LINLI_CHAT_BANNED_WORDS_FILE cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<String> defaultWords() {
    try (InputStream in = RoomSettings.class.getClassLoader().getResourceAsStream(DEFAULT_BANNED_WORDS)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULT_BANNED_WORDS);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
