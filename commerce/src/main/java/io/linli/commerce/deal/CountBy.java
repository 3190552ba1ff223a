package io.linli.commerce.deal;

/** What "满10户" counts: distinct households, or units sold. */
public enum CountBy { BUYERS, UNITS }
