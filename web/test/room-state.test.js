import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent, emptyRoom, visibleSales } from '../src/viewer/room-state.js';

const snapshot = {
  type: 'snapshot', seq: 3, title: 'Scarves', likes: 7, camera: 'main', pinnedProductId: 'p1',
  products: [{ productId: 'p1', name: 'Silk scarf', priceCents: 1999, stock: 10 }],
  flashSales: [{ saleId: 's1', productId: 'p1', quantity: 5, remaining: 5, perUserLimit: 1, priceCents: 999,
    revealAt: 5000, status: 'ANNOUNCED' }],
  recentComments: [{ seq: 2, userId: 'u1', text: 'hello' }],
};

test('a snapshot replaces the room and later events build on it in seq order', () => {
  let s = applyEvent(emptyRoom(), snapshot);
  assert.equal(s.title, 'Scarves');
  assert.equal(s.products.p1.name, 'Silk scarf');
  assert.equal(visibleSales(s)[0].status, 'ANNOUNCED');
  s = applyEvent(s, { type: 'saleOpen', seq: 4, saleId: 's1', revealAt: 5000 });
  s = applyEvent(s, { type: 'saleProgress', seq: 5, saleId: 's1', remaining: 0, sold: 5, justBought: ['bu***7'] });
  assert.deepEqual(visibleSales(s).map(x => x.status), ['SOLD_OUT'], 'the last sold out, when nothing else');
  assert.deepEqual(s.notices.at(-1).users, ['bu***7']);
  s = applyEvent(s, { type: 'comment', seq: 6, userId: 'u2', text: '<img src=x onerror=alert(1)>' });
  assert.equal(s.comments.at(-1).text, '<img src=x onerror=alert(1)>', 'kept as text; the page renders it as text');
  assert.equal(s.seq, 6);
});

test('an event already applied changes nothing', () => {
  let s = applyEvent(emptyRoom(), snapshot);
  s = applyEvent(s, { type: 'comment', seq: 4, userId: 'u2', text: 'once' });
  const again = applyEvent(s, { type: 'comment', seq: 4, userId: 'u2', text: 'once' });
  assert.equal(again, s);
  assert.equal(s.comments.filter(c => c.text === 'once').length, 1);
});

test('the sales shown are the open ones, then the announced ones soonest first', () => {
  let s = applyEvent(emptyRoom(), { ...snapshot, flashSales: [] });
  assert.deepEqual(visibleSales(s), []);
  s = applyEvent(s, { type: 'saleAnnounced', seq: 4, saleId: 'late', productId: 'p1', quantity: 1, perUserLimit: 1,
    priceCents: 1, revealAt: 9000 });
  s = applyEvent(s, { type: 'saleAnnounced', seq: 5, saleId: 'soon', productId: 'p1', quantity: 1, perUserLimit: 1,
    priceCents: 1, revealAt: 6000 });
  assert.deepEqual(visibleSales(s).map(x => x.saleId), ['soon', 'late']);
  s = applyEvent(s, { type: 'saleOpen', seq: 6, saleId: 'late', revealAt: 9000 });
  assert.deepEqual(visibleSales(s).map(x => x.saleId), ['late', 'soon'], 'an open sale does not hide the next');
});

test('a comment the host took off leaves the chat, and a mute is kept until lifted', () => {
  let s = applyEvent(emptyRoom(), { ...snapshot, muted: [{ userId: 'u9', until: 9000 }] });
  assert.deepEqual(s.muted, { u9: 9000 });
  s = applyEvent(s, { type: 'comment', seq: 4, userId: 'u3', text: 'spam' });
  s = applyEvent(s, { type: 'commentRemoved', seq: 5, commentSeq: 4 });
  assert.deepEqual(s.comments.map(c => c.seq), [2]);
  s = applyEvent(s, { type: 'muted', seq: 6, userId: 'u3', until: 7000 });
  assert.deepEqual(s.muted, { u9: 9000, u3: 7000 });
  s = applyEvent(s, { type: 'muted', seq: 7, userId: 'u9', until: 0 });
  assert.deepEqual(s.muted, { u3: 7000 });
});

test('an event held for its frame is applied late without undoing the events after it', () => {
  let s = applyEvent(emptyRoom(), snapshot);
  s = applyEvent(s, { type: 'comment', seq: 5, userId: 'u2', text: 'after the pin' });
  s = applyEvent(s, { type: 'pin', seq: 4, productId: 'p1', late: true });
  assert.equal(s.pinned, 'p1');
  assert.equal(s.seq, 5);
  assert.equal(applyEvent(s, { type: 'pin', seq: 4, productId: 'p2' }), s, 'a repeat without late is ignored');
});

test('a platform comment keeps its platform and name, and the host reply is marked as the host', () => {
  let s = applyEvent(emptyRoom(), { ...snapshot, recentComments: [
    { seq: 2, userId: 'tiktok:u9', name: 'Lily', platform: 'tiktok', text: 'in stock?' }] });
  assert.deepEqual([s.comments[0].platform, s.comments[0].name], ['tiktok', 'Lily']);
  s = applyEvent(s, { type: 'comment', seq: 4, userId: 'host', host: true, text: 'yes', inReplyTo: 2 });
  s = applyEvent(s, { type: 'comment', seq: 5, userId: 'u3', text: 'local' });
  assert.deepEqual(s.comments.map(c => [c.platform, c.host]), [['tiktok', false], [null, true], [null, false]]);
});

test("the assistant's answer keeps the askers it names", () => {
  const s = applyEvent(applyEvent(emptyRoom(), snapshot), { type: 'comment', seq: 4, userId: 'assistant',
    assistant: true, text: 'In stock: S, XL', mentions: ['u1', 'u2'], inReplyTo: [2, 3] });
  assert.equal(s.comments.at(-1).assistant, true);
  assert.deepEqual(s.comments.at(-1).mentions, ['u1', 'u2']);
});
