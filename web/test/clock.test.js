import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockSync } from '../src/lib/clock.js';

test('the offset comes from the exchange with the shortest round trip', () => {
  let local = 1000;
  const clock = new ClockSync(() => local);
  assert.equal(clock.synced, false);
  assert.equal(clock.now(), 1000);
  // The server is 500 ms ahead. A slow exchange (200 ms, the answer delayed on its way back):
  clock.add(1000, 1200, 1510);
  // A fast one (10 ms, symmetric):
  clock.add(2000, 2010, 2505);
  assert.equal(clock.offset, 500);
  assert.equal(clock.error, 5);
  local = 3000;
  assert.equal(clock.now(), 3500);
});

test('only the recent exchanges count, and nonsense is ignored', () => {
  const clock = new ClockSync(() => 0);
  clock.add(0, 2, 101); // offset 100, rtt 2
  for (let i = 0; i < 8; i++) {
    clock.add(10, 30, 20 + 50); // offset 50, rtt 20
  }
  assert.equal(clock.offset, 50, 'the fast old exchange fell out of the window');
  clock.add(10, 5, 1e9); // answer before the question
  clock.add(10, 20, NaN);
  assert.equal(clock.offset, 50);
});
