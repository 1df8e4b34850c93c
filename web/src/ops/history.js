// The last minutes of what the dashboard polled, per node: a ring of samples, aligned on one
// time axis for the charts (a node that appears later has no values before it, not zeros).

export class History {
  constructor(keepMs = 10 * 60_000) {
    this.keepMs = keepMs;
    this.samples = []; // {at, values: Map<node, {viewers, stress, events}>, active}
  }

  add(at, nodes) {
    const values = new Map(nodes.map(n => [n.host || n.node, n]));
    const active = nodes.filter(n => n.role === 'ACTIVE').length;
    this.samples.push({ at, values, active });
    while (this.samples.length > 0 && at - this.samples[0].at > this.keepMs) {
      this.samples.shift();
    }
  }

  /**
   * Puts earlier samples (the autoscaler's, every few seconds) before the ones this page polled,
   * dropping any that overlap them.
   */
  seed(earlier) {
    const first = this.samples.length ? this.samples[0].at : Infinity;
    const before = [];
    for (const e of earlier) {
      if (e.at < first) {
        const values = new Map(e.nodes.map(n => [n.host || n.node, n]));
        before.push({ at: e.at, values, active: e.nodes.filter(n => n.role === 'ACTIVE').length });
      }
    }
    this.samples = [...before, ...this.samples];
  }

  /** {times, series} of one field per node; a node absent from a sample is null there. */
  series(field) {
    const names = new Set();
    for (const s of this.samples) {
      for (const k of s.values.keys()) {
        names.add(k);
      }
    }
    const series = new Map();
    for (const name of [...names].sort()) {
      series.set(name, this.samples.map(s => (s.values.has(name) ? Number(s.values.get(name)[field] ?? 0) : null)));
    }
    return { times: this.samples.map(s => s.at), series };
  }

  activeNodes() {
    return { times: this.samples.map(s => s.at), series: new Map([['active', this.samples.map(s => s.active)]]) };
  }
}
