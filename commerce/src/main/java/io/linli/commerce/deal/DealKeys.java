package io.linli.commerce.deal;

/** Redis keys of one deal. They share the hash tag {deal:ID}, so every script runs on one Redis Cluster slot. */
record DealKeys(long dealId) {
  String state() {
    return "gb:{deal:" + dealId + "}:state";
  }

  String buyers() {
    return "gb:{deal:" + dealId + "}:buyers";
  }

  String idempotency() {
    return "gb:{deal:" + dealId + "}:idem";
  }

  String inflight() {
    return "gb:{deal:" + dealId + "}:inflight";
  }

  String committed() {
    return "gb:{deal:" + dealId + "}:committed";
  }

  String[] forJoin() {
    return new String[] {state(), buyers(), idempotency(), inflight(), committed()};
  }
}
