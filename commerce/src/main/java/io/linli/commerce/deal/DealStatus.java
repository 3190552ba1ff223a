package io.linli.commerce.deal;

/** OPEN -> FORMED (threshold met) -> CLOSED (deadline, or sold out after forming); OPEN -> FAILED (deadline unformed). */
public enum DealStatus {
  OPEN, FORMED, CLOSED, FAILED;

  public boolean takesJoins() {
    return this == OPEN || this == FORMED;
  }
}
