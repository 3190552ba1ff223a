package io.linli.core.stream;

public enum StreamStatus { SCHEDULED, LIVE, ENDED }
