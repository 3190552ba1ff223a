package io.linli.core.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The local cluster's password: random, made once, kept next to the data (0600) so a restart can log in again.
 * Hex, so it needs no escaping in URLs or SQL.
 */
final class Password {
  private Password() {}

  static String loadOrCreate(Path file, Path pgdata, boolean freshCluster) {
    try {
      if (Files.exists(file)) {
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!password.isEmpty()) {
          return password;
        }
      }
      if (!freshCluster) {
        throw new LocalServicesException(file + " is missing, so the data in " + pgdata
            + " cannot be opened: restore the file, or move " + pgdata + " away to start empty");
      }
      byte[] bytes = new byte[16];
      new SecureRandom().nextBytes(bytes);
      String password = HexFormat.of().formatHex(bytes);
      Files.deleteIfExists(file); // an empty leftover
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      // initdb --pwfile reads the first line
      Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
      return password;
    } catch (FileAlreadyExistsException e) {
      throw new LocalServicesException(file + " appeared while starting: is another Linli server starting on "
          + file.getParent() + "?");
    } catch (IOException e) {
      throw new LocalServicesException("cannot read or write " + file + ": " + e.getMessage()
          + "; choose another data folder or set LINLI_DATABASE_URL");
    }
  }
}
