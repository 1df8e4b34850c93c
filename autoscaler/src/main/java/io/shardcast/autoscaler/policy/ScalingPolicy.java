package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.Observation;
import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The autoscaling policy: from one tick's observation to the capacity it wants and the actions that
 * get there. One implementation, used by the cluster singleton and by the simulator.
 *
 * <p>Active nodes are sized for the demand forecast over the time a standby needs to serve; all
 * nodes (active, standby, starting) for the forecast over a cold start, with headroom. Announced
 * flash sales add their expected interaction burst ahead of {@code revealAt}; for {@code sale.burst}
 * after it opens, a sale's interactions start no node (it would serve after the burst) and take no
 * more standbys than were there when the burst began. A panic rule covers spikes the forecast
 * missed. Capacity goes only after the need stayed lower for a whole window, never around a sale,
 * and in waves that wait for the previous drains.
 *
 * <p>Actions are derived from the observed nodes every tick (level-triggered): a node already
 * starting or activating counts, so a repeated tick, or a singleton that moved, does not repeat them.
 */
public final class ScalingPolicy {

  private static final double EPSILON = 1e-9;

  private final AutoscalerSettings settings;
  private final StartupTimes startup;
  private final TrendForecaster[] forecasters = new TrendForecaster[Demand.COUNT];
  /** Needs without sale capacity: {time, active, provision}, over the scale-in window. */
  private final ArrayDeque<long[]> needs = new ArrayDeque<>();
  private double eventsPerViewer = Double.NaN;
  private long firstTickMillis = Long.MIN_VALUE;
  private long panicUntilMillis = Long.MIN_VALUE;
  private long lastScaleInMillis = Long.MIN_VALUE;
  /** Sales seen closed, so each closing is acted on once. */
  private final Set<String> closedSales = new HashSet<>();
  private long saleClosedAtMillis = Long.MIN_VALUE;
  /**
   * Capacity serving, warm or on its way when the open sales' burst began; -1 outside a burst. Its
   * interactions may activate that much and no more, so the standby pool refilled behind the
   * standbys they took stays warm rather than being taken by the same burst, one start after another.
   */
  private int burstCapacity = -1;

  public ScalingPolicy(AutoscalerSettings settings, StartupTimes startup) {
    this.settings = settings;
    this.startup = startup;
    long interval = Math.max(1, settings.interval().toMillis());
    int shortSamples = (int) Math.max(3, settings.shortWindow().toMillis() / interval);
    int longSamples = (int) Math.max(shortSamples, settings.longWindow().toMillis() / interval);
    for (int i = 0; i < Demand.COUNT; i++) {
      forecasters[i] = new TrendForecaster(shortSamples, longSamples);
    }
  }

  public StartupTimes startupTimes() {
    return startup;
  }

  public AutoscalerSettings settings() {
    return settings;
  }

  public Plan decide(Observation o) {
    long now = o.nowMillis();
    if (firstTickMillis == Long.MIN_VALUE) {
      firstTickMillis = now;
    }
    SafeLoad safe = settings.safeLoad();
    List<String> why = new ArrayList<>();

    List<NodeReport> active = new ArrayList<>();
    List<NodeReport> standby = new ArrayList<>();
    int activating = 0;
    int starting = 0;
    int draining = 0;
    double[] demand = new double[Demand.COUNT];
    double maxStress = 0;
    String hottest = null;
    double minActiveStress = Double.MAX_VALUE;
    long staleMillis = settings.reportStaleAfter().toMillis();
    for (NodeReport n : o.nodes()) {
      if (now - n.reportedAtMillis() > staleMillis) {
        why.add(n.nodeId() + " silent " + (now - n.reportedAtMillis()) / 1000 + "s: not counted");
        continue;
      }
      Demand.add(demand, n.load());
      switch (n.role()) {
        case ACTIVE:
          active.add(n);
          double stress = safe.stress(n.load());
          if (stress > maxStress) {
            maxStress = stress;
            hottest = n.nodeId();
          }
          minActiveStress = Math.min(minActiveStress, stress);
          break;
        case ACTIVATING: activating++; break;
        case STANDBY: standby.add(n); break;
        case STARTING: starting++; break;
        case DRAINING: draining++; break;
        default: break;
      }
    }
    int serving = active.size() + activating;
    double nowSeconds = now / 1000.0;
    // Forget sales that left the calendar, so the set stays the calendar's size.
    Set<String> calendar = new HashSet<>();
    for (SaleWindow sale : o.sales()) {
      calendar.add(sale.roomId() + "/" + sale.saleId());
    }
    closedSales.retainAll(calendar);
    for (SaleWindow sale : o.sales()) {
      if (sale.closed() && closedSales.add(sale.roomId() + "/" + sale.saleId())) {
        // The burst is over and known to be: forecasts and the scale-in window start again from
        // what follows, rather than holding the burst's capacity for another window.
        needs.clear();
        forecasters[Demand.EVENTS_IN].reset();
        saleClosedAtMillis = now;
        why.add("sale " + sale.roomId() + "/" + sale.saleId() + " closed");
      }
    }
    for (int i = 0; i < Demand.COUNT; i++) {
      forecasters[i].observe(nowSeconds, demand[i]);
    }

    double interval = settings.interval().toMillis() / 1000.0;
    double hAct = startup.activationSeconds() + interval;
    double hProv = startup.coldStartSeconds() + hAct;
    // A spike is judged, and panic starts sized, over at least panic.min-horizon: with fast starts
    // the cold-start horizon alone orders capacity for a few seconds of growth at a time, each
    // order late by the time it serves, and the spike outruns it one node at a time.
    double hPanic = Math.max(settings.panicMinHorizon().toMillis() / 1000.0, hProv);
    double[] fAct = new double[Demand.COUNT];
    double[] fProv = new double[Demand.COUNT];
    for (int i = 0; i < Demand.COUNT; i++) {
      fAct[i] = forecasters[i].forecast(hAct);
      fProv[i] = forecasters[i].forecast(hProv);
    }
    boolean saleOpen = false;
    long burstMillis = settings.saleBurst().toMillis();
    for (SaleWindow sale : o.sales()) {
      if (!sale.closed() && sale.revealAtMillis() <= now && now - sale.revealAtMillis() < burstMillis) {
        // A sale's burst: it is served by the capacity raised for it. Nodes started now would come
        // after the burst, so interactions do not start any (they may still activate standbys).
        fProv[Demand.EVENTS_IN] = 0;
        saleOpen = true;
      }
    }
    int organicActive = Math.max(settings.minActive(), need(fAct, settings.targetUtilization()));
    int organicProvision = Math.max(organicActive + settings.minStandby(),
        Math.max(need(fProv, settings.targetUtilization()), headroomNeed(fProv)));

    // The sale calendar: capacity for the expected burst is serving `lead` before revealAt.
    boolean saleNear = false;
    double saleActiveEvents = 0;
    double saleProvisionEvents = 0;
    // The same, for sales that have not opened yet (what an open sale must not hold back).
    double upcomingActiveEvents = 0;
    double upcomingProvisionEvents = 0;
    String saleWhy = null;
    long leadMillis = settings.saleLead().toMillis();
    for (SaleWindow sale : o.sales()) {
      if (sale.closed()) {
        continue;
      }
      long untilReveal = sale.revealAtMillis() - now;
      if (untilReveal > leadMillis + (long) (hProv * 1000) + settings.scaleInWindow().toMillis()) {
        continue;
      }
      saleNear = true;
      double multiplier = Double.isNaN(sale.interactionMultiplier())
          ? settings.saleInteractionMultiplier() : sale.interactionMultiplier();
      double perViewer = Double.isNaN(eventsPerViewer) ? ratio(demand) : eventsPerViewer;
      double viewersAtReveal = forecasters[Demand.VIEWERS].forecast(Math.max(0, untilReveal / 1000.0));
      double burst = multiplier * perViewer * viewersAtReveal;
      if (untilReveal <= leadMillis + (long) (hProv * 1000)) {
        saleProvisionEvents = Math.max(saleProvisionEvents, burst);
        if (untilReveal > 0) {
          upcomingProvisionEvents = Math.max(upcomingProvisionEvents, burst);
        }
      }
      if (untilReveal <= leadMillis + (long) (hAct * 1000)) {
        saleActiveEvents = Math.max(saleActiveEvents, burst);
        if (untilReveal > 0) {
          upcomingActiveEvents = Math.max(upcomingActiveEvents, burst);
        }
      }
      saleWhy = String.format(Locale.ROOT, "sale %s/%s in %ds: expect %.0f events-in/s",
          sale.roomId(), sale.saleId(), untilReveal / 1000, burst);
    }
    if (!saleNear && demand[Demand.VIEWERS] > 0) {
      double alpha = Math.min(1, interval / (settings.saleBaselineWindow().toMillis() / 1000.0));
      double r = ratio(demand);
      eventsPerViewer = Double.isNaN(eventsPerViewer) ? r : eventsPerViewer + alpha * (r - eventsPerViewer);
    }

    // Panic: a node running hot, or growth that would double the need within a cold start.
    boolean stressPanic = maxStress > settings.panicStress();
    boolean growthPanic = false;
    for (int r : new int[] {Demand.VIEWERS, Demand.EVENTS_IN, Demand.EVENTS_OUT}) {
      if (saleNear && r == Demand.EVENTS_IN) {
        continue; // the calendar expects this burst and sized for it: not a spike the forecast missed
      }
      double level = forecasters[r].level();
      double growth = forecasters[r].shortTrend() * hPanic;
      double node = safe.additive(r) * settings.targetUtilization();
      if (growth >= node && growth >= (settings.panicGrowthFactor() - 1) * level) {
        growthPanic = true;
      }
    }
    double[] pProv = null;
    if (stressPanic || growthPanic) {
      panicUntilMillis = now + settings.panicHold().toMillis();
      double[] pAct = new double[Demand.COUNT];
      pProv = new double[Demand.COUNT];
      for (int i = 0; i < Demand.COUNT; i++) {
        double level = forecasters[i].level();
        double trend = forecasters[i].shortTrend() * settings.panicGrowthFactor();
        pAct[i] = level + trend * hAct;
        pProv[i] = level + trend * hPanic;
      }
      organicActive = Math.max(organicActive, need(pAct, settings.targetUtilization()));
      if (stressPanic && activating == 0 && minActiveStress > settings.targetUtilization() / 2) {
        // Every serving node is busy: new joins need somewhere else to go (one node at a time,
        // since the hot node's viewers stay where they are).
        organicActive = Math.max(organicActive, serving + 1);
      }
      organicProvision = Math.max(organicProvision,
          Math.max(organicActive + settings.minStandby(), need(pProv, settings.targetUtilization())));
      why.add(stressPanic
          ? String.format(Locale.ROOT, "PANIC: %s at stress %.2f", hottest, maxStress)
          : "PANIC: demand would double within " + Math.round(hPanic) + "s");
    }
    boolean panic = now < panicUntilMillis;

    int maxNodes = settings.maxNodes();
    organicProvision = Math.min(organicProvision, maxNodes);
    organicActive = Math.min(organicActive, organicProvision);
    needs.addLast(new long[] {now, organicActive, organicProvision});
    long windowMillis = settings.scaleInWindow().toMillis();
    while (!needs.isEmpty() && needs.peekFirst()[0] < now - windowMillis) {
      needs.removeFirst();
    }
    int heldActive = 0;
    int heldProvision = 0;
    for (long[] n : needs) {
      heldActive = (int) Math.max(heldActive, n[1]);
      heldProvision = (int) Math.max(heldProvision, n[2]);
    }

    int activeNeed = organicActive;
    int provisionNeed = organicProvision;
    if (saleActiveEvents > 0 || saleProvisionEvents > 0) {
      double[] sa = fAct.clone();
      sa[Demand.EVENTS_IN] = Math.max(sa[Demand.EVENTS_IN], saleActiveEvents);
      double[] sp = fProv.clone();
      sp[Demand.EVENTS_IN] = Math.max(sp[Demand.EVENTS_IN], saleProvisionEvents);
      activeNeed = Math.max(activeNeed, need(sa, settings.targetUtilization()));
      provisionNeed = Math.max(provisionNeed, Math.max(activeNeed + settings.minStandby(),
          need(sp, settings.targetUtilization())));
      provisionNeed = Math.min(provisionNeed, maxNodes);
      activeNeed = Math.min(activeNeed, provisionNeed);
    }
    if (saleWhy != null) {
      why.add(saleWhy);
    }

    boolean windowFull = now - firstTickMillis >= windowMillis;
    boolean stepDue = lastScaleInMillis == Long.MIN_VALUE || now - lastScaleInMillis >= settings.scaleInStep().toMillis();
    // Never while demand is growing (a significant trend), however long the need stayed low.
    boolean rising = forecasters[Demand.VIEWERS].trend() > 0 || forecasters[Demand.EVENTS_IN].trend() > 0;
    boolean mayScaleIn = windowFull && stepDue && !saleNear && !panic && !rising && draining == 0;
    int pool = standby.size() + starting;
    int activeTarget = activeNeed;
    int provisionTarget = provisionNeed;
    if (activeTarget < serving) {
      activeTarget = mayScaleIn ? Math.max(activeTarget, heldActive) : serving;
    }
    if (provisionTarget < serving + pool) {
      provisionTarget = mayScaleIn ? Math.max(provisionTarget, heldProvision) : serving + pool;
    }
    if (panic && rising) {
      // A spike is still growing: every warm standby serves as soon as it is ready. A standby costs
      // the same node-hours serving or waiting, and one held back for the activation horizon's
      // forecast let the nodes that serve run over their safe load while it waited.
      activeTarget = Math.max(activeTarget, serving + standby.size());
      // ...and the pool is refilled behind them, as after any activation.
      provisionTarget = Math.max(provisionTarget, Math.min(settings.maxNodes(), activeTarget + settings.minStandby()));
    }
    provisionTarget = Math.max(provisionTarget, activeTarget);
    if (!saleOpen) {
      burstCapacity = -1;
    } else if (burstCapacity < 0) {
      burstCapacity = serving + standby.size() + starting;
    }
    if (saleOpen && !stressPanic) {
      // The burst may take the capacity there was when it began, not the pool refilled behind it.
      int activeCap = Math.max(serving, Math.max(quietActive(fAct, upcomingActiveEvents), burstCapacity));
      if (activeTarget > activeCap) {
        why.add("sale open: its interactions take no more than the " + burstCapacity
            + " nodes there were when its burst began");
        activeTarget = activeCap;
      }
      // An open sale's interactions start no node by any route (nodes started now would come after
      // the burst): not by the cold-start forecast (above), the active need over the activation
      // horizon, or a growth panic's trend. Warm standbys still
      // serve as soon as interactions need them, and nodes still start for viewers, joins, egress,
      // sales not yet open, and the standby pool; a node actually overloaded (a stress panic) lifts
      // the rule, and after `sale.burst` the interactions of a sale still open count as any demand.
      int quiet = quietProvision(fAct, fProv, pProv, upcomingActiveEvents, upcomingProvisionEvents);
      int refill = settings.minStandby() > 0
          ? Math.min(activeTarget, serving + standby.size()) + settings.minStandby() : 0;
      int cap = Math.max(Math.min(maxNodes, Math.max(quiet, refill)), serving + pool);
      if (provisionTarget > cap) {
        why.add("sale open: its interactions start no node (" + (provisionTarget - cap) + " would come after the burst)");
        provisionTarget = cap;
        activeTarget = Math.min(activeTarget, provisionTarget);
      }
    }

    List<Action> actions = new ArrayList<>();
    shedHotNodes(active, actions);
    if (activeTarget > serving && !standby.isEmpty()) {
      // The warmest standbys (longest in the pool) first.
      standby.sort(Comparator.comparingLong(NodeReport::roleSinceMillis));
      int k = Math.min(activeTarget - serving, standby.size());
      for (int i = 0; i < k; i++) {
        actions.add(new Action.Activate(standby.get(i).nodeId()));
      }
      standby = new ArrayList<>(standby.subList(k, standby.size()));
      serving += k;
    }
    int provisioned = serving + standby.size() + starting;
    if (provisionTarget > provisioned) {
      actions.add(new Action.Start(provisionTarget - provisioned));
    }
    boolean scaledIn = false;
    if (mayScaleIn && activeTarget < serving) {
      int excess = serving - activeTarget;
      // Capacity raised for a sale that has just closed goes in one wave: it was sized for a burst
      // that is over, not for viewers who might come back.
      boolean afterSale = saleClosedAtMillis != Long.MIN_VALUE
          && now - saleClosedAtMillis < settings.scaleInWindow().toMillis();
      int wave = afterSale ? excess : Math.max(1, (int) Math.ceil(excess * settings.scaleInMaxFraction()));
      // The youngest nodes go first (as a StatefulSet scales down): the oldest hold the seeds and the
      // cluster's singletons, and a young node has the fewest long-settled viewers to move.
      List<NodeReport> byViewers = new ArrayList<>(active);
      byViewers.sort(Comparator.comparingLong(NodeReport::upSinceMillis).reversed()
          .thenComparingInt((NodeReport n) -> n.load().viewers()).thenComparing(NodeReport::nodeId));
      int poolWanted = provisionTarget - activeTarget - standby.size() - starting;
      int drained = Math.min(wave, byViewers.size() - settings.minActive());
      // Their viewers reconnect to the nodes that stay: no more than those take at their safe join rate.
      double reconnectSeconds = settings.scaleInReconnect().toMillis() / 1000.0;
      double joinRate = settings.safeLoad().joinsPerSecond() * settings.targetUtilization();
      long moved = 0;
      for (int i = 0; i < drained; i++) {
        moved += byViewers.get(i).load().viewers();
        double absorb = 0;
        for (int j = i + 1; j < byViewers.size(); j++) {
          absorb += Math.max(0, joinRate - byViewers.get(j).load().joinsPerSecond()) * reconnectSeconds;
        }
        if (i > 0 && moved > absorb) {
          why.add(String.format(Locale.ROOT, "scale-in wave of %d, not %d: one more would send %d viewers back, "
              + "more than the staying nodes take in %.0fs (%.0f)", i, drained, moved, reconnectSeconds, absorb));
          drained = i;
          break;
        }
      }
      for (int i = 0; i < drained; i++) {
        boolean keep = poolWanted > 0;
        poolWanted -= keep ? 1 : 0;
        actions.add(new Action.Drain(byViewers.get(i).nodeId(), keep));
        scaledIn = true;
      }
    } else if (mayScaleIn && standby.size() + starting > provisionTarget - activeTarget) {
      int excess = Math.min(standby.size(), standby.size() + starting - (provisionTarget - activeTarget));
      int wave = Math.max(1, (int) Math.ceil(excess * settings.scaleInMaxFraction()));
      // The newest standbys go first: the oldest are the warmest.
      standby.sort(Comparator.comparingLong(NodeReport::roleSinceMillis).reversed());
      for (int i = 0; i < Math.min(wave, excess); i++) {
        actions.add(new Action.Retire(standby.get(i).nodeId()));
        scaledIn = true;
      }
    }
    if (scaledIn) {
      lastScaleInMillis = now;
    }

    String reason = String.format(Locale.ROOT,
        "viewers %.0f (%+.0f/s), events-in %.0f/s; need %d active in %.1fs, %d nodes in %.1fs; serving %d, standby %d, starting %d%s%s",
        demand[Demand.VIEWERS], forecasters[Demand.VIEWERS].trend(), demand[Demand.EVENTS_IN],
        activeNeed, hAct, provisionNeed, hProv, active.size() + activating, standby.size(), starting,
        why.isEmpty() ? "" : "; ", String.join("; ", why));
    return new Plan(now, activeTarget, provisionTarget, maxStress, panic, actions, reason);
  }

  /**
   * Viewers stay on the node they joined, so a node that took a burst before new capacity served
   * stays hot after it arrives. Such a node sheds its viewers above the target onto the active
   * nodes with room (only as many as they can take; they reconnect by seq, losing nothing).
   */
  private void shedHotNodes(List<NodeReport> active, List<Action> actions) {
    double target = settings.targetUtilization() * settings.safeLoad().viewers();
    long room = 0;
    for (NodeReport n : active) {
      room += Math.max(0, (long) target - n.load().viewers());
    }
    // Shed viewers come back as joins: no more per second than half the other nodes' join capacity.
    room = Math.min(room, (long) ((active.size() - 1) * settings.safeLoad().joinsPerSecond() / 2));
    for (NodeReport n : active) {
      long excess = n.load().viewers() - (long) Math.ceil(settings.safeLoad().viewers());
      if (excess <= 0 || room <= 0) {
        continue;
      }
      int shed = (int) Math.min(room, n.load().viewers() - (long) target);
      room -= shed;
      actions.add(new Action.Shed(n.nodeId(), shed));
    }
  }

  /**
   * Active nodes needed over the activation horizon while a sale is open, counting no interaction
   * but those expected for sales not yet open.
   */
  private int quietActive(double[] fAct, double upcomingActive) {
    double[] a = fAct.clone();
    a[Demand.EVENTS_IN] = upcomingActive;
    return Math.max(settings.minActive(), need(a, settings.targetUtilization()));
  }

  /**
   * All nodes needed while a sale is open, counting no interaction but those expected for sales not
   * yet open: {@link #quietActive} plus the standby pool, the cold-start horizon with headroom, and a
   * growth panic's trend when one fired this tick ({@code pProv}).
   */
  private int quietProvision(double[] fAct, double[] fProv, double[] pProv, double upcomingActive,
      double upcomingProvision) {
    double[] p = fProv.clone();
    p[Demand.EVENTS_IN] = 0;
    int n = Math.max(quietActive(fAct, upcomingActive) + settings.minStandby(),
        Math.max(need(p, settings.targetUtilization()), headroomNeed(p)));
    p[Demand.EVENTS_IN] = upcomingProvision;
    n = Math.max(n, need(p, settings.targetUtilization()));
    if (pProv != null) {
      double[] q = pProv.clone();
      q[Demand.EVENTS_IN] = upcomingProvision;
      n = Math.max(n, need(q, settings.targetUtilization()));
    }
    return n;
  }

  /** Nodes needed so no additive resource exceeds {@code utilization} of its safe load. */
  private int need(double[] d, double utilization) {
    int n = 0;
    for (int i = 0; i < Demand.COUNT; i++) {
      n = Math.max(n, (int) Math.ceil(d[i] / (settings.safeLoad().additive(i) * utilization) - EPSILON));
    }
    return n;
  }

  /** Nodes needed to carry {@code d} at safe load with {@code headroom-nodes} to spare. */
  private int headroomNeed(double[] d) {
    int n = 0;
    for (int i = 0; i < Demand.COUNT; i++) {
      n = Math.max(n, (int) Math.ceil(d[i] / settings.safeLoad().additive(i) + settings.headroomNodes() - EPSILON));
    }
    return n;
  }

  private static double ratio(double[] demand) {
    return demand[Demand.VIEWERS] > 0 ? demand[Demand.EVENTS_IN] / demand[Demand.VIEWERS] : 0;
  }
}
