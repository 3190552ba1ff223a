package io.linli.ops.bench;

import java.util.List;

/** One system's measured run, its warm-up and its invariants. */
record SystemResult(String label, SystemUnderTest.Deal deal, RunStats warmup, RunStats run, List<Check> checks) {
  boolean invariantsHeld() {
    return checks.stream().allMatch(Check::pass);
  }

  String invariants() {
    long passed = checks.stream().filter(Check::pass).count();
    if (passed == checks.size()) {
      return passed + "/" + checks.size() + " PASS";
    }
    return "FAIL: " + String.join(", ", checks.stream().filter(c -> !c.pass()).map(Check::name).toList());
  }

  double p99() {
    return RunStats.millis(run.all, 99);
  }
}
