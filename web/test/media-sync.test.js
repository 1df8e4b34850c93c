import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MediaSync, readSei, SHARDCAST_SEI_UUID } from '../src/lib/media-sync.js';

function sei(msg, pts, uuid = SHARDCAST_SEI_UUID) {
  return {
    uuid: Uint8Array.from(uuid.match(/../g).map(h => parseInt(h, 16))),
    user_data: new TextEncoder().encode(JSON.stringify(msg)),
    pts,
  };
}

test('reads only Shardcast messages with a media time', () => {
  assert.deepEqual(readSei(sei({ t: 5000, type: 'clock' }, 0)), { t: 5000, type: 'clock' });
  assert.equal(readSei(sei({ t: 5000 }, 0, '00'.repeat(16))), null);
  assert.equal(readSei(sei({ type: 'clock' }, 0)), null);
  assert.equal(readSei({ uuid: sei({}, 0).uuid, user_data: new TextEncoder().encode('{not json') }), null);
  assert.equal(readSei({}), null);
});

test('an event that arrives before its frame waits until the video presents it', () => {
  const sync = new MediaSync();
  sync.message({ t: 60_000, type: 'clock' }, 0); // video time 0 is room time 60 s
  sync.presented(1.0, 100); // the picture is at room time 61 s
  const pin = { type: 'pin', seq: 7, mediaTs: 61_800 };
  assert.equal(sync.hold(pin, 100), true);
  sync.presented(1.5, 600);
  assert.deepEqual(sync.due(600), []);
  sync.presented(1.8, 900);
  assert.deepEqual(sync.due(900), [pin]);
  assert.deepEqual(sync.due(950), []);
});

test('an in-stream cue releases its event when its frame is presented', () => {
  const sync = new MediaSync();
  sync.message({ t: 10_000, type: 'clock' }, 0);
  sync.presented(0.5, 0);
  const e = { type: 'announcement', seq: 9, mediaTs: 20_000 }; // the room's estimate ran ahead
  assert.equal(sync.hold(e, 0), true);
  sync.message({ t: 10_900, seq: 9, type: 'announcement' }, 900);
  assert.deepEqual(sync.presented(0.866, 866), []);
  const shown = sync.presented(0.9, 900);
  assert.equal(shown.length, 1);
  assert.equal(sync.cueShown(9), true);
  assert.deepEqual(sync.due(900), [e]);
});

test('a sale opening cue is known by its sale', () => {
  const sync = new MediaSync();
  sync.message({ t: 0, type: 'clock' }, 0);
  sync.message({ t: 2000, seq: 4, type: 'saleOpen', saleId: 's1' }, 2000);
  sync.presented(1.9, 1900);
  assert.equal(sync.saleShown('s1'), false);
  sync.presented(2.0, 2000);
  assert.equal(sync.saleShown('s1'), true);
});

test('without playing video nothing waits, and a stalled video lets held events go', () => {
  const sync = new MediaSync();
  assert.equal(sync.hold({ type: 'pin', seq: 1, mediaTs: 5 }, 0), false); // no clock from the video yet
  sync.message({ t: 0, type: 'clock' }, 0);
  sync.presented(0.1, 100);
  assert.equal(sync.hold({ type: 'pin', seq: 2 }, 100), false); // no media time: the room has no video
  assert.equal(sync.hold({ type: 'pin', seq: 3, mediaTs: 60_000 }, 100), false); // too far ahead to belong here
  const e = { type: 'pin', seq: 4, mediaTs: 1000 };
  assert.equal(sync.hold(e, 100), true);
  assert.deepEqual(sync.due(600), []);
  assert.deepEqual(sync.due(1200), [e]); // no frame for over a second
});

test('no event waits longer than five seconds', () => {
  const sync = new MediaSync();
  sync.message({ t: 0, type: 'clock' }, 0);
  const e = { type: 'pin', seq: 1, mediaTs: 9000 };
  sync.presented(0, 0);
  assert.equal(sync.hold(e, 0), true);
  for (let ms = 500; ms < 5000; ms += 500) {
    sync.presented(ms / 10_000, ms); // a picture crawling forward
    assert.deepEqual(sync.due(ms), []);
  }
  sync.presented(0.5, 5000);
  assert.deepEqual(sync.due(5000), [e]);
});

test('a new player learns the offset anew', () => {
  const sync = new MediaSync();
  sync.message({ t: 50_000, type: 'clock' }, 0);
  sync.presented(1, 10);
  assert.equal(sync.presentedTs, 51_000);
  sync.reset();
  sync.message({ t: 70_000, type: 'clock' }, 0);
  sync.presented(0.5, 20);
  assert.equal(sync.presentedTs, 70_500);
});
