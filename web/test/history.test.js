import { test } from 'node:test';
import assert from 'node:assert/strict';
import { History } from '../src/ops/history.js';

test('per-node series share one time axis, a node that came later has nulls before it, old samples go', () => {
  const h = new History(10_000);
  h.add(0, [{ host: 'a', role: 'ACTIVE', viewers: 10 }]);
  h.add(5_000, [{ host: 'a', role: 'ACTIVE', viewers: 20 }, { host: 'b', role: 'STANDBY', viewers: 0 }]);
  h.add(9_000, [{ host: 'a', role: 'ACTIVE', viewers: 30 }, { host: 'b', role: 'ACTIVE', viewers: 5 }]);
  const v = h.series('viewers');
  assert.deepEqual(v.times, [0, 5_000, 9_000]);
  assert.deepEqual(v.series.get('a'), [10, 20, 30]);
  assert.deepEqual(v.series.get('b'), [null, 0, 5]);
  assert.deepEqual(h.activeNodes().series.get('active'), [1, 1, 2]);
  h.add(12_000, [{ host: 'a', role: 'ACTIVE', viewers: 1 }]);
  assert.deepEqual(h.series('viewers').times, [5_000, 9_000, 12_000]);
});

test('the autoscaler\'s earlier samples go before the page\'s own, overlapping ones dropped', () => {
  const h = new History(600_000);
  h.add(20_000, [{ host: 'a', role: 'ACTIVE', viewers: 30 }]);
  h.seed([
    { at: 10_000, nodes: [{ node: 'pekko://shardcast@a', host: 'a', role: 'ACTIVE', viewers: 10 }] },
    { at: 15_000, nodes: [{ host: 'a', role: 'ACTIVE', viewers: 20 }, { host: 'b', role: 'STANDBY', viewers: 0 }] },
    { at: 20_000, nodes: [{ host: 'a', role: 'ACTIVE', viewers: 99 }] },
  ]);
  const v = h.series('viewers');
  assert.deepEqual(v.times, [10_000, 15_000, 20_000]);
  assert.deepEqual(v.series.get('a'), [10, 20, 30]);
  assert.deepEqual(v.series.get('b'), [null, 0, null]);
});
