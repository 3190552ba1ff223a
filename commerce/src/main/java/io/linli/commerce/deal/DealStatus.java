package io.linli.commerce.deal;

/**
 * SCHEDULED -> OPEN (at opensAt) -> FORMED (threshold met) -> CLOSED (deadline, sold out, or closed by the host);
 * OPEN -> FAILED (deadline, or closed by the host, unformed). OPEN and FORMED may be PAUSED by the host and resumed.
 */
public enum DealStatus {
  SCHEDULED, OPEN, PAUSED, FORMED, CLOSED, FAILED;

  public boolean takesJoins() {
    return this == OPEN || this == FORMED;
  }

  public boolean ended() {
    return this == CLOSED || this == FAILED;
  }
}
