// The room as a viewer sees it, rebuilt from the viewer socket's events: a pure function of the
// previous state and one event, so the page (and its tests) can replay any sequence.

const KEEP_COMMENTS = 100;
const KEEP_NOTICES = 5;

// A chat line: a viewer's, a platform's (its name and platform shown), the host's reply, or the
// assistant's answer (with the askers it names).
function comment(c) {
  return { seq: c.seq, userId: c.userId, text: c.text, name: c.name ?? null, platform: c.platform ?? null,
    host: c.host === true, assistant: c.assistant === true, mentions: c.mentions ?? [] };
}

export function emptyRoom() {
  return {
    seq: -1, title: '', likes: 0, camera: '', pinned: null, products: {}, coupons: {}, sales: {}, bags: {},
    comments: [], notices: [], announcement: null, muted: {},
  };
}

function byId(list, key) {
  const out = {};
  for (const item of list ?? []) {
    out[item[key]] = { ...item };
  }
  return out;
}

function withNotice(state, notice) {
  return { ...state, notices: [...state.notices, notice].slice(-KEEP_NOTICES) };
}

/** The state after one event; events at or below the state's seq (already applied) change nothing. */
export function applyEvent(state, e) {
  if (e.type === 'snapshot') {
    return {
      ...emptyRoom(), seq: e.seq, title: e.title ?? '', likes: e.likes ?? 0, camera: e.camera ?? '',
      pinned: e.pinnedProductId ?? null, products: byId(e.products, 'productId'),
      coupons: byId(e.coupons, 'couponId'), sales: byId(e.flashSales, 'saleId'), bags: byId(e.luckyBags, 'bagId'),
      comments: (e.recentComments ?? []).map(comment),
      muted: Object.fromEntries((e.muted ?? []).map(m => [m.userId, m.until])),
    };
  }
  if (typeof e.seq === 'number') {
    // late: an event the page held until the video showed its moment; events after it were applied.
    if (e.seq <= state.seq && !e.late) {
      return state;
    }
    state = { ...state, seq: Math.max(state.seq, e.seq) };
  }
  switch (e.type) {
    case 'product':
      return { ...state, products: { ...state.products, [e.productId]: {
        productId: e.productId, name: e.name, priceCents: e.priceCents, stock: e.stock } } };
    case 'pin':
      return { ...state, pinned: e.productId };
    case 'coupon':
      return { ...state, coupons: { ...state.coupons, [e.couponId]: {
        couponId: e.couponId, productId: e.productId, discountCents: e.discountCents, count: e.count,
        remaining: e.count } } };
    case 'couponClaimed': {
      const c = state.coupons[e.couponId];
      return c ? { ...state, coupons: { ...state.coupons, [e.couponId]: { ...c, remaining: e.remaining } } } : state;
    }
    case 'luckyBag':
      return { ...state, bags: { ...state.bags, [e.bagId]: {
        bagId: e.bagId, keyword: e.keyword, endsAt: e.endsAt, winners: e.winners, prize: e.prize } } };
    case 'luckyBagDrawn': {
      const b = state.bags[e.bagId];
      return b ? { ...state, bags: { ...state.bags, [e.bagId]: { ...b, drawnWinners: e.winners ?? [] } } } : state;
    }
    case 'commentRemoved':
      return { ...state, comments: state.comments.filter(c => c.seq !== e.commentSeq) };
    case 'muted': {
      const muted = { ...state.muted };
      if (e.until > 0) {
        muted[e.userId] = e.until;
      } else {
        delete muted[e.userId];
      }
      return { ...state, muted };
    }
    case 'saleAnnounced':
      return { ...state, sales: { ...state.sales, [e.saleId]: {
        saleId: e.saleId, productId: e.productId, quantity: e.quantity, remaining: e.quantity,
        perUserLimit: e.perUserLimit, priceCents: e.priceCents, revealAt: e.revealAt, status: 'ANNOUNCED' } } };
    case 'saleOpen': {
      const s = state.sales[e.saleId];
      // openSeq and openMediaTs: the frame the sale opened on, for a page that follows the video.
      return s ? { ...state, sales: { ...state.sales, [e.saleId]: {
        ...s, status: 'OPEN', openSeq: e.seq, openMediaTs: e.mediaTs } } } : state;
    }
    case 'saleProgress': {
      const s = state.sales[e.saleId];
      const next = s ? { ...state, sales: { ...state.sales, [e.saleId]: {
        ...s, remaining: e.remaining, status: e.remaining <= 0 ? 'SOLD_OUT' : s.status } } } : state;
      return (e.justBought ?? []).length > 0
        ? withNotice(next, { kind: 'bought', users: e.justBought, saleId: e.saleId, seq: e.seq }) : next;
    }
    case 'comment':
      return { ...state, comments: [...state.comments, comment(e)].slice(-KEEP_COMMENTS) };
    case 'likes':
      return { ...state, likes: e.total };
    case 'gift':
      return withNotice(state, { kind: 'gift', userId: e.userId, gift: e.gift, count: e.count, seq: e.seq });
    case 'announcement':
      return { ...state, announcement: e.text };
    case 'camera':
      return { ...state, camera: e.camera };
    default:
      return state;
  }
}

/**
 * The sales to show, in order: the open ones, then the announced ones soonest first; when there
 * are none, the last one that sold out (so the viewer sees it went). Empty when the room has none.
 */
export function visibleSales(state) {
  const sales = Object.values(state.sales);
  const open = sales.filter(s => s.status === 'OPEN');
  const coming = sales.filter(s => s.status === 'ANNOUNCED').sort((a, b) => a.revealAt - b.revealAt);
  if (open.length + coming.length > 0) {
    return [...open, ...coming];
  }
  const soldOut = sales.filter(s => s.status === 'SOLD_OUT');
  return soldOut.length > 0 ? [soldOut[soldOut.length - 1]] : [];
}
