package io.linli.realtime;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat's word filter. Text is compared in NFKC form and lower case, so full-width letters (ＦＵＣＫ) and
 * capitals do not slip through. An entry made only of Latin letters and digits must match a whole word
 * ("ass" does not match "class"); any other entry (Chinese) matches anywhere, even with spaces or punctuation
 * put between its characters ("傻 逼", "加.微.信").
 */
final class BannedWords {
  /** What people put between characters to dodge a filter: spaces, punctuation, symbols. */
  private static final Pattern FILLER = Pattern.compile("[\\p{Z}\\p{P}\\p{S}\\s]+");
  private static final Pattern LATIN_WORD = Pattern.compile("[a-z0-9]+");

  private final List<String> anywhere = new ArrayList<>();
  private final Pattern words;

  BannedWords(List<String> entries) {
    List<String> latin = new ArrayList<>();
    for (String entry : entries) {
      String normal = normalize(entry);
      if (LATIN_WORD.matcher(normal).matches()) {
        latin.add(Pattern.quote(normal));
      } else {
        String squeezed = FILLER.matcher(normal).replaceAll("");
        if (!squeezed.isEmpty()) {
          anywhere.add(squeezed);
        }
      }
    }
    // Letters and digits around a word make it another word; Chinese around it does not ("fuck你" matches).
    words = latin.isEmpty() ? null
        : Pattern.compile("(?<![a-z0-9])(?:" + String.join("|", latin) + ")(?![a-z0-9])");
  }

  /** The entry the text contains (as normalized), or null when it is clean. */
  String find(String text) {
    String normal = normalize(text);
    if (words != null) {
      Matcher m = words.matcher(normal);
      if (m.find()) {
        return m.group();
      }
    }
    if (!anywhere.isEmpty()) {
      String squeezed = FILLER.matcher(normal).replaceAll("");
      for (String entry : anywhere) {
        if (squeezed.contains(entry)) {
          return entry;
        }
      }
    }
    return null;
  }

  private static String normalize(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }
}
