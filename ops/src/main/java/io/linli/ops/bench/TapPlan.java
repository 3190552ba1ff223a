package io.linli.ops.bench;

import io.linli.ops.bench.Buyers.Buyer;
import java.util.Random;

/**
 * What the households do, drawn from a seeded mix so every system sees the same kind of traffic. A session is
 * one household's visit; its taps go one after another, as on a phone.
 *
 * <ul>
 *   <li>ONCE (73%): one tap, 1 unit (2 units one time in five);</li>
 *   <li>RETRY (15%): one tap, then the same tap with the same Idempotency-Key after the answer, as a client does
 *       when the answer was lost: it must count once and answer the same order;</li>
 *   <li>GREEDY (11.5%): taps of 1 unit with new keys until refused (409 limit-reached), at most limit + 1;</li>
 *   <li>DOUBLE (0.5%): two taps with the same key at the same moment (a double tap): one order, and the twin
 *       answers that order or 409 in-progress.</li>
 * </ul>
 * Over-demand comes from the deal's stock, sized below what the households ask for (see JoinBench).
 */
final class TapPlan {
  enum Behaviour { ONCE, RETRY, GREEDY, DOUBLE }

  record Session(long number, Buyer buyer, Behaviour behaviour, int quantity) {}

  private final Buyers.Source buyers;
  private final Random random;
  private long sessions;

  TapPlan(Buyers.Source buyers, long seed) {
    this.buyers = buyers;
    this.random = new Random(seed);
  }

  Session next() {
    double r = random.nextDouble();
    Behaviour behaviour = r < 0.73 ? Behaviour.ONCE : r < 0.88 ? Behaviour.RETRY : r < 0.995 ? Behaviour.GREEDY
        : Behaviour.DOUBLE;
    int quantity = behaviour == Behaviour.GREEDY ? 1 : random.nextInt(5) == 0 ? 2 : 1;
    return new Session(sessions++, buyers.next(), behaviour, quantity);
  }
}
