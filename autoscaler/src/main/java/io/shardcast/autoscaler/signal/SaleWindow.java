package io.shardcast.autoscaler.signal;

/**
 * A flash sale on the calendar, known from its announcement.
 *
 * @param revealAtMillis when the sale opens (orders start counting)
 * @param closed sold out or ended; capacity held for it may go
 * @param interactionMultiplier expected interactions per viewer at the opening, as a multiple of
 *     the room's usual rate; NaN means the configured default
 */
public record SaleWindow(String roomId, String saleId, long revealAtMillis, boolean closed, double interactionMultiplier) {}
