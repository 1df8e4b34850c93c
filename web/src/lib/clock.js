// The page's offset to the cluster's clock, measured NTP-style over the viewer socket: the page
// sends {"type":"ping","t":<its clock>} and the node answers {"type":"pong","t","serverTime"}.
// For one exchange, offset = serverTime - (t0 + t1) / 2 with an error of at most rtt / 2; the
// exchange with the smallest round trip of the recent ones is the most trustworthy (its error
// bound is the tightest), as NTP's clock filter does.

const KEEP = 8;

export class ClockSync {
  /** @param {() => number} localNow the page's clock in ms (Date.now by default) */
  constructor(localNow = () => Date.now()) {
    this.localNow = localNow;
    this.samples = [];
  }

  /** A pong arrived at t1 for a ping sent at t0 (both the page's clock); serverTime is the node's. */
  add(t0, t1, serverTime) {
    if (!(t1 >= t0) || !Number.isFinite(serverTime)) {
      return;
    }
    this.samples.push({ rtt: t1 - t0, offset: serverTime - (t0 + t1) / 2 });
    if (this.samples.length > KEEP) {
      this.samples.shift();
    }
  }

  /** Whether at least one exchange was measured. */
  get synced() {
    return this.samples.length > 0;
  }

  /** The best estimate of serverClock - pageClock in ms (0 before any exchange). */
  get offset() {
    return this.best()?.offset ?? 0;
  }

  /** Half the round trip of the exchange the offset comes from: how wrong it can be, in ms. */
  get error() {
    const b = this.best();
    return b ? b.rtt / 2 : Infinity;
  }

  /** The cluster's clock now, in epoch ms. */
  now() {
    return this.localNow() + this.offset;
  }

  best() {
    let best = null;
    for (const s of this.samples) {
      if (best === null || s.rtt < best.rtt) {
        best = s;
      }
    }
    return best;
  }
}
