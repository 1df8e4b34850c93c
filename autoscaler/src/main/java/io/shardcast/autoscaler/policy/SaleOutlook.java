package io.shardcast.autoscaler.policy;

/**
 * The announced sales as one tick sees them: the interaction bursts expected within each horizon.
 *
 * @param near a sale opens within {@code sale.lead}, the cold-start horizon and {@code scale-in.window},
 *     or is open: no capacity goes, and the calendar, not the growth panic, answers its interactions
 * @param activeEvents the largest burst (events-in/s) expected within {@code sale.lead} and the activation horizon
 * @param provisionEvents the same within {@code sale.lead} and the cold-start horizon
 * @param upcomingActiveEvents {@code activeEvents} of sales not open yet
 * @param upcomingProvisionEvents {@code provisionEvents} of sales not open yet
 * @param why the last near sale and its expected burst, for the plan's reason; null when none is near
 */
record SaleOutlook(boolean near, double activeEvents, double provisionEvents, double upcomingActiveEvents,
    double upcomingProvisionEvents, String why) {}
