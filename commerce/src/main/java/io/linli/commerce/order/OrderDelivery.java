package io.linli.commerce.order;

import java.time.LocalDate;

/**
 * Where a delivered order goes and when: the zone and slot it was placed in, the household's address, and the
 * day whose slot capacity it takes ({@code bookedDay}, null when the slot has no capacity).
 */
public record OrderDelivery(long zoneId, long slotId, LocalDate slotDay, LocalDate bookedDay, String address,
    String community, Double latitude, Double longitude, String contactPhone) {}
