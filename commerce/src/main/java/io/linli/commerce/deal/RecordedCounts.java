package io.linli.commerce.deal;

import java.util.Map;

/** A deal's counts as PostgreSQL records them: the truth Redis is rebuilt from. */
record RecordedCounts(int buyers, int units, Map<Long, Integer> unitsByBuyer) {}
