import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSei, SHARDCAST_SEI_UUID } from '../src/lib/media-sync.js';
import { rtpSeconds, seiPayloads } from '../src/lib/whep.js';

const UUID = SHARDCAST_SEI_UUID.match(/../g).map(h => parseInt(h, 16));

/** An Annex B SEI NAL with one user_data_unregistered message, escaped as an encoder would. */
function seiNal(json) {
  const payload = [...UUID, ...new TextEncoder().encode(json)];
  const rbsp = [5];
  let size = payload.length;
  while (size >= 255) {
    rbsp.push(255);
    size -= 255;
  }
  rbsp.push(size, ...payload, 0x80);
  const escaped = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      escaped.push(3);
      zeros = 0;
    }
    escaped.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return [0, 0, 0, 1, 0x06, ...escaped];
}

const SLICE = [0, 0, 1, 0x65, 0x88, 0x84, 0x00, 0x00, 0x03, 0x01, 0x7f];

test('reads the cues Chromium hands over in an encoded frame, beside the slices', () => {
  const frame = Uint8Array.from([...seiNal('{"t":61800,"seq":7,"type":"pin"}'), ...SLICE]);
  const msgs = seiPayloads(frame).map(readSei);
  assert.deepEqual(msgs, [{ t: 61800, seq: 7, type: 'pin' }]);
});

test('a long message (a size over 255) and an escaped zero run come back whole', () => {
  const long = JSON.stringify({ t: 1, type: 'announcement', seq: 9, text: 'x'.repeat(300), pad: '\u0000\u0000\u0001' });
  const msgs = seiPayloads(Uint8Array.from(seiNal(long))).map(readSei);
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0].text.length, 300);
});

test('garbage, truncation and frames without SEI give nothing and never throw', () => {
  assert.deepEqual(seiPayloads(Uint8Array.from(SLICE)), []);
  const whole = seiNal('{"t":5}');
  for (let cut = 0; cut < whole.length; cut++) {
    seiPayloads(Uint8Array.from(whole.slice(0, cut)));
  }
  let seed = 7;
  for (let round = 0; round < 2000; round++) {
    const bytes = new Uint8Array(1 + (round % 64));
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = i % 5 === 0 ? 0 : seed >>> 24;
    }
    seiPayloads(bytes).forEach(readSei);
  }
});

test('the RTP clock is 90 kHz', () => {
  assert.equal(rtpSeconds(90000 * 3), 3);
});
