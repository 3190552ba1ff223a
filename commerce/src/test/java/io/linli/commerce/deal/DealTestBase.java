package io.linli.commerce.deal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class with its own deal services on a fresh database, and shops with phones of their own. */
abstract class DealTestBase {
  private static final AtomicInteger PHONES = new AtomicInteger();
  static DealFixture f;

  @BeforeAll
  static void startFixture() {
    f = new DealFixture();
  }

  @AfterAll
  static void stopFixture() {
    f.close();
  }

  static String phone() {
    return "1370000" + String.format("%04d", PHONES.incrementAndGet());
  }

  static DealFixture.Shop shop() {
    return f.shop(phone());
  }

  /** Formation follows a join asynchronously (after its commit): wait for the record to show it. */
  static void awaitStatus(long dealId, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!status.equals(f.status(dealId))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("deal stayed " + f.status(dealId) + ", expected " + status);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
