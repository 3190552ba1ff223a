package io.linli.core.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Finds installed programs on the PATH and in the usual system folders (a service's PATH may be minimal). */
final class Binaries {
  private Binaries() {}

  /** The first executable named {@code name} on the PATH, then in {@code alsoIn}; null if none. */
  static Path find(String name, String... alsoIn) {
    for (Path dir : searchPath(alsoIn)) {
      Path candidate = dir.resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static List<Path> searchPath(String... alsoIn) {
    Set<Path> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    for (String dir : alsoIn) {
      dirs.add(Path.of(dir));
    }
    return new ArrayList<>(dirs);
  }
}
