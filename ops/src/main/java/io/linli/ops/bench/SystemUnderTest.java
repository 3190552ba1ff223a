package io.linli.ops.bench;

import java.util.List;

/** One of the three systems the benchmark compares: how to open a deal on it, join it, and check it after. */
interface SystemUnderTest {

  /** A deal opened for one run. */
  record Deal(long id, String idText, int stock, JoinTarget target) {}

  String label();

  /** How many taps it has in flight: HTTP connections, or scripts pipelined on the Redis connection. */
  int lanes();

  /** Real households (with tokens) for the HTTP systems; made-up ones for the bare script. */
  Buyers.Source buyers(long seed);

  /** Households the run needs so that, until the deal sells out, none comes twice. */
  int buyersNeeded(int stock);

  Deal open(int stock);

  /** Blocking, once the run has ended: waits for the system to be quiet, then checks every invariant. */
  List<Check> check(Deal deal, RunStats stats);
}
