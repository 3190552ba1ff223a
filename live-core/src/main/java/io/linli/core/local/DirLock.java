package io.linli.core.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock held while a service runs on a data folder. The kernel drops it when the JVM dies, even
 * on kill -9, so when we do get the lock any server still running on that folder is an orphan of a killed
 * run and may be stopped; when we don't, a live server owns the folder and we must leave it alone.
 */
final class DirLock implements AutoCloseable {
  private final FileChannel channel;

  private DirLock(FileChannel channel) {
    this.channel = channel;
  }

  static DirLock acquire(Path file, String service) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new LocalServicesException("cannot write " + file + ": " + e.getMessage()
          + "; choose another data folder");
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException(e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new LocalServicesException(service + " data in " + file.getParent()
          + " is in use by another running Linli server: stop it or choose another data folder");
    }
    return new DirLock(channel);
  }

  @Override
  public void close() {
    closeQuietly(channel); // closing the channel releases the lock
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
