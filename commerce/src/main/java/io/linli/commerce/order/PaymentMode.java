package io.linli.commerce.order;

/** PAY_ON_PICKUP: a join counts at once and is paid at handover. ONLINE: a join holds stock until it is paid. */
public enum PaymentMode { PAY_ON_PICKUP, ONLINE }
