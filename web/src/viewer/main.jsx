// The viewer page, /live/<roomId>: the room's video, chat over it and beside it, likes, the pinned
// product, coupons, lucky bags, buying notices, announcements and the flash sale, whose buy button
// opens at revealAt on the cluster's clock, or, while the video plays, with the frame the sale opened
// on. Commerce moments that arrive over the socket before the video shows them wait for their frame.
import { render } from 'preact';
import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { ClockSync } from '../lib/clock.js';
import { language, price, words } from '../lib/i18n.js';
import { MediaSync } from '../lib/media-sync.js';
import { canPlay, frameSeconds, layersUrl, play, playUrl, watchFrames } from '../lib/player.js';
import { RoomConnection } from '../lib/room-connection.js';
import { canPlayWhep, playWhep, whepUrl } from '../lib/whep.js';
import { applyEvent, emptyRoom, visibleSales } from './room-state.js';
import './viewer.css';

const roomId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const params = new URLSearchParams(location.hash.slice(1));
const token = params.get('token') ?? undefined; // a platform-signed viewer token, kept out of server logs
/** #transport=flv keeps the page on WebSocket-FLV; otherwise it prefers WebRTC where it can. */
const preferWebRtc = params.get('transport') !== 'flv';
const lang = language();
const t = words(lang);
const clock = new ClockSync();
const sync = new MediaSync();
/** Events shown with the video's frame rather than on arrival. */
const WITH_THE_FRAME = new Set(['pin', 'announcement', 'coupon', 'luckyBag']);
/** A sale opens this long after revealAt at the latest, whatever the video does (ms). */
const OPEN_AT_LATEST_MS = 4000;
/** The gifts a viewer can send from the page (the room takes any name; these are the page's). */
const GIFTS = [{ gift: 'rose', icon: '🌹' }, { gift: 'heart', icon: '💖' }, { gift: 'rocket', icon: '🚀' }];
/** Sales whose buy button has opened: it stays open. */
const opened = new Set();
// What browser tests (and curious operators) read: the cluster clock, and when the buy button opened.
// buyEnabledAt: on the cluster's clock as the page estimates it; buyEnabledLocal: on the page's own;
// saleOpenLocal: when the sale's saleOpen event arrived, on the page's own (the socket alone);
// buyEnabledPerf: when the button opened, on performance.now() (the clock video frames are timed on).
// transport: 'webrtc' or 'flv', what the video plays over, from mediaNode (a /join node id);
// webrtc.restartIce(): the WebRTC session's ICE restarted, as a lost path does; frameSeconds(video, meta): a presented
// frame's time on the timeline sync's cues are on.
const probe = (window.shardcast = {
  clock, sync, frameSeconds, roomId, events: 0, gaps: 0, lastSeq: -1, node: null, buyEnabledAt: {}, buyEnabledLocal: {},
  buyEnabledPerf: {}, saleOpenLocal: {},
});

function randomId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return prefix + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

function anonymousUser() {
  let id = localStorage.getItem('shardcast.user');
  if (!id) {
    id = randomId('guest-').slice(0, 14);
    localStorage.setItem('shardcast.user', id);
  }
  return id;
}

const user = token ? undefined : anonymousUser();

/** Who a platform token says the viewer is (read for display only: the cluster verifies the token). */
function subjectOf(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part)).sub ?? null;
  } catch {
    return null;
  }
}

const me = user ?? (token ? subjectOf(token) : null);

function headers() {
  const h = { 'Content-Type': 'application/json' };
  if (token) {
    h.Authorization = `Bearer ${token}`;
  }
  return h;
}

/** POSTs body to the gateway; 5xx, 429 and network errors are retried with the same body (an order's id). */
async function post(path, body, onRetry) {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
      const answer = await r.json().catch(() => ({}));
      if (r.ok || (r.status < 500 && r.status !== 429) || attempt >= 6) {
        return { status: r.status, body: answer };
      }
    } catch (err) {
      if (attempt >= 6) {
        return { status: 0, body: { message: String(err) } };
      }
    }
    onRetry?.();
    await new Promise(res => setTimeout(res, Math.min(2000, 100 * 2 ** attempt)));
  }
}

/** The layers the node serves, refreshed while the page plays; a menu pins one ("auto": the node chooses). */
function useLayers(join) {
  const [layers, setLayers] = useState([]);
  useEffect(() => {
    if (!join?.flv) {
      return undefined;
    }
    let stop = false;
    const load = async () => {
      try {
        const r = await fetch(layersUrl(join));
        const body = r.ok ? await r.json() : { layers: [] };
        if (!stop) {
          setLayers(body.layers ?? []);
        }
      } catch {
        // the menu waits for the next try; the video plays on regardless
      }
    };
    load();
    const timer = setInterval(load, 5000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [join?.flv]);
  return layers;
}

function Video({ join, onFrame, onTrouble }) {
  const ref = useRef(null);
  const [muted, setMuted] = useState(true);
  const [problem, setProblem] = useState(null);
  const [layer, setLayer] = useState('');
  /** Set when WebRTC failed on this node: the page plays WebSocket-FLV until the node changes. */
  const [webrtcFailed, setWebrtcFailed] = useState(null);
  const layers = useLayers(join);
  const webrtc = preferWebRtc && !!join?.whep && canPlayWhep() && webrtcFailed !== join?.whep;
  const url = webrtc ? whepUrl(join, { token, layer: layer || undefined })
    : join?.wsFlv && canPlay() ? playUrl(join, { token, layer: layer || undefined }) : null;
  useEffect(() => {
    if (!url || !ref.current) {
      return undefined;
    }
    probe.transport = webrtc ? 'webrtc' : 'flv';
    probe.mediaNode = join.node;
    let stop = null;
    let retry = null;
    const start = () => {
      setProblem(null);
      if (webrtc) {
        stop = probe.webrtc = playWhep(ref.current, url, {
          sync,
          onError: (reason, again) => {
            probe.webrtcError = reason;
            stop?.();
            stop = null;
            onTrouble(); // the node may be going: /join again
            if (again) {
              retry = setTimeout(start, 1500);
            } else {
              setWebrtcFailed(join.whep); // falls back to WebSocket-FLV
            }
          },
        });
        return;
      }
      stop = play(ref.current, url, reason => {
        setProblem(reason);
        onTrouble();
        stop?.();
        stop = null;
        retry = setTimeout(start, 1500);
      }, sync);
    };
    start();
    const unwatch = watchFrames(ref.current, (videoSeconds, presentedAt) => {
      sync.presented(videoSeconds, presentedAt);
      onFrame();
    });
    return () => {
      clearTimeout(retry);
      unwatch();
      stop?.();
    };
  }, [url]);
  return (
    <div class="video">
      <video ref={ref} playsInline autoPlay muted={muted} data-testid="video" />
      {problem && <div class="video-note">{t.noVideo}</div>}
      {muted && <button class="unmute" onClick={() => { setMuted(false); ref.current.muted = false; }}>{t.unmute}</button>}
      {layers.length > 1 && <select class="layers" aria-label={t.quality} data-testid="layers" value={layer}
        onChange={e => setLayer(e.currentTarget.value)}>
        <option value="">{t.auto}</option>
        {layers.map(l => <option key={l.layer} value={l.layer}>{l.layer} · {l.kbps} kbps</option>)}
      </select>}
    </div>
  );
}

function Danmaku({ comments }) {
  return (
    <div class="danmaku" aria-hidden="true">
      {comments.slice(-8).map((c, i) => (
        <div key={c.seq ?? i} class="bullet" style={`top:${(c.seq % 6) * 12 + 4}%`}>{c.text}</div>
      ))}
    </div>
  );
}

/**
 * Whether the sale's buy button is open: at revealAt on the cluster's clock; while the video plays,
 * when the video presents the frame the sale opened on (the host's "the link is live"), so nobody
 * sees the button before the host says it; at the latest a few seconds after revealAt.
 */
function saleOpen(sale, now) {
  if (opened.has(sale.saleId)) {
    return true;
  }
  const due = sale.status === 'OPEN' || (sale.status === 'ANNOUNCED' && now >= sale.revealAt);
  if (!due) {
    return false;
  }
  const perfNow = performance.now();
  const open = !sync.active(perfNow) || (sale.status === 'OPEN' && sale.openSeq === undefined)
    || sync.saleShown(sale.saleId) || (typeof sale.openMediaTs === 'number' && sync.reached(sale.openMediaTs))
    || now >= sale.revealAt + OPEN_AT_LATEST_MS;
  if (open) {
    opened.add(sale.saleId);
  }
  return open;
}

function SaleBar({ sale, product, now, onBuy, onReveal, result }) {
  const open = saleOpen(sale, now);
  const soldOut = sale.status === 'SOLD_OUT' || sale.remaining <= 0;
  if (open && !soldOut && probe.buyEnabledAt[sale.saleId] === undefined) {
    probe.buyEnabledAt[sale.saleId] = clock.now();
    probe.buyEnabledLocal[sale.saleId] = Date.now(); // the wall clock the offset is measured against
    probe.buyEnabledPerf[sale.saleId] = performance.now();
  }
  // Re-rendered at revealAt to the millisecond, not at the next frame or tick.
  useEffect(() => {
    if (sale.status !== 'ANNOUNCED') {
      return undefined;
    }
    const timer = setTimeout(onReveal, Math.max(0, sale.revealAt - clock.now()));
    return () => clearTimeout(timer);
  }, [sale.saleId, sale.status, sale.revealAt]);
  const seconds = Math.max(0, Math.ceil((sale.revealAt - now) / 1000));
  return (
    <div class="sale" data-testid="sale" data-sale={sale.saleId}>
      <div class="sale-what">
        <b>{product?.name ?? sale.productId}</b> <span class="price">{price(sale.priceCents, lang)}</span>
        <span class="left">{t.left} {Math.max(0, sale.remaining)}/{sale.quantity}</span>
      </div>
      {soldOut ? <button disabled data-testid="buy">{t.soldOut}</button>
        : open ? <button class="buy" data-testid="buy" onClick={() => onBuy(sale)}>{t.buy}</button>
          : <button disabled data-testid="buy">{t.startsIn} {seconds}s</button>}
      {result && <div class="result" data-testid="order-result">{result}</div>}
    </div>
  );
}

function App() {
  const [room, dispatch] = useReducer(applyEvent, undefined, emptyRoom);
  const [status, setStatus] = useState({ state: 'connecting' });
  const [join, setJoin] = useState(null);
  const [now, setNow] = useState(clock.now());
  const [text, setText] = useState('');
  const [pendingLikes, setPendingLikes] = useState(0);
  const [orderResults, setOrderResults] = useState({});
  const [mine, setMine] = useState([]);
  const connection = useMemo(() => new RoomConnection({
    roomId, user, token, clock,
    onEvent: e => {
      probe.events++;
      if (e.type === 'saleOpen') {
        probe.saleOpenLocal[e.saleId] = Date.now(); // the socket's own timing
      }
      if (typeof e.seq === 'number') {
        if (e.type !== 'snapshot' && probe.lastSeq >= 0 && e.seq !== probe.lastSeq + 1) {
          probe.gaps++;
        }
        probe.lastSeq = e.seq;
      }
      if (WITH_THE_FRAME.has(e.type) && sync.hold(e, performance.now())) {
        return; // shown when the video reaches it (release below)
      }
      dispatch(e);
    },
    onStatus: s => {
      if (s.state === 'live') {
        probe.node = s.detail;
      }
      if (s.join) {
        setJoin(s.join);
      }
      if (s.state !== 'media') {
        setStatus(s);
      }
    },
  }), []);
  const [tokenProblem, setTokenProblem] = useState(null);
  useEffect(() => {
    if (token) {
      // A bad or expired token is said at once: nothing the page offers would work with it.
      fetch(`/api/rooms/${encodeURIComponent(roomId)}/orders/mine?saleId=-`, { headers: headers() })
        .then(async r => {
          if (r.status === 401 || r.status === 403) {
            const body = await r.json().catch(() => ({}));
            setTokenProblem(body.code ?? String(r.status));
            connection.close();
          }
        })
        .catch(() => {});
    }
    connection.start();
    return () => connection.close();
  }, [connection]);
  // The countdown on the cluster's clock, and the buy button opened at revealAt to the frame.
  useEffect(() => {
    let frame = 0;
    const tick = () => {
      setNow(clock.now());
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    const timer = setInterval(() => setNow(clock.now()), 100); // background tabs get no frames
    return () => {
      cancelAnimationFrame(frame);
      clearInterval(timer);
    };
  }, []);
  // Held events go out when their frame is presented (or the video stops).
  const release = () => {
    for (const e of sync.due(performance.now())) {
      dispatch({ ...e, late: true });
    }
    setNow(clock.now());
  };
  useEffect(() => {
    const timer = setInterval(release, 100);
    return () => clearInterval(timer);
  }, []);
  // Likes are counted here and sent at most twice a second, as one message.
  const likesRef = useRef(0);
  useEffect(() => {
    const timer = setInterval(() => {
      if (likesRef.current > 0 && connection.send({ type: 'like', count: Math.min(100, likesRef.current) })) {
        likesRef.current = Math.max(0, likesRef.current - 100);
        setPendingLikes(likesRef.current);
      }
    }, 500);
    return () => clearInterval(timer);
  }, [connection]);

  const sales = visibleSales(room);
  const pinned = room.pinned ? room.products[room.pinned] : null;
  const buy = async s => {
    const orderId = randomId('o-');
    const setOrderResult = text => setOrderResults(all => ({ ...all, [s.saleId]: text }));
    setOrderResult('…');
    const r = await post(`/api/rooms/${encodeURIComponent(roomId)}/orders`,
      { orderId, saleId: s.saleId, quantity: 1, ...(user ? { userId: user } : {}) },
      () => setOrderResult(t.failed));
    const result = r.body.result;
    setOrderResult(result === 'CONFIRMED' ? t.ordered : result === 'SOLD_OUT' ? t.soldOut
      : result === 'LIMIT_REACHED' ? t.limit : result === 'NOT_STARTED' ? t.notStarted
        : `${r.body.code ?? r.status}: ${r.body.message ?? ''}`);
    if (result === 'CONFIRMED') {
      setMine(m => [...m, { orderId, saleId: s.saleId }]);
    }
  };
  const claim = async c => {
    await post(`/api/rooms/${encodeURIComponent(roomId)}/coupons/${encodeURIComponent(c.couponId)}/claim`,
      user ? { userId: user } : {});
  };
  const sendComment = (message) => {
    const clean = message.trim();
    if (clean && connection.send({ type: 'comment', text: clean.slice(0, 200) })) {
      setText('');
    }
  };
  const note = room.notices.at(-1);
  const mutedUntil = me && room.muted[me] > now ? room.muted[me] : null;
  if (tokenProblem) {
    return (
      <main class="page failed">
        <p class="token-problem" data-testid="token-problem">{t.tokenBad} ({tokenProblem})</p>
      </main>
    );
  }
  return (
    <main class={`page ${status.state}`}>
      <header>
        <h1>{room.title || roomId}</h1>
        <span class="badge" data-testid="status">
          {status.state === 'live' ? t.live : status.state === 'moving' ? t.moving
            : status.state === 'failed' ? t.roomMissing : status.state === 'reconnecting' ? t.reconnecting
              : t.connecting}
        </span>
        <span class="likes">♥ {room.likes + pendingLikes}</span>
      </header>
      <section class="stage">
        <Video join={join} onFrame={release} onTrouble={() => connection.rejoinMedia()} />
        <Danmaku comments={room.comments} />
        {room.announcement && <div class="announcement" data-testid="announcement">{room.announcement}</div>}
        {note && <div class="notice" key={note.seq}>
          {note.kind === 'bought' ? `${note.users.join(', ')} ${t.justBought}` : `${note.userId} ${t.sent} ${note.gift} ×${note.count}`}
        </div>}
      </section>
      {pinned && <section class="product" data-testid="pinned">
        <span class="tag">{t.pinned}</span> <b>{pinned.name}</b>
        <span class="price">{price(pinned.priceCents, lang)}</span>
        <span class="left">{t.left} {pinned.stock}</span>
      </section>}
      {sales.map(sale => <SaleBar key={sale.saleId} sale={sale} product={room.products[sale.productId]} now={now}
        onBuy={buy} onReveal={() => setNow(clock.now())} result={orderResults[sale.saleId]} />)}
      {Object.values(room.coupons).map(c => (
        <section class="coupon" key={c.couponId}>
          {price(c.discountCents, lang)} {t.off}
          <button disabled={c.remaining <= 0} onClick={() => claim(c)}>{c.remaining > 0 ? t.claim : t.exhausted}</button>
        </section>
      ))}
      {Object.values(room.bags).filter(b => !b.drawnWinners && b.endsAt > now).map(b => (
        <section class="bag" key={b.bagId}>
          🎁 {b.prize} <button onClick={() => sendComment(b.keyword)}>{t.enterBag}: {b.keyword}</button>
        </section>
      ))}
      <ol class="chat" data-testid="chat">
        {room.comments.slice(-30).map(c => <li key={c.seq} class={c.host ? 'from-host' : c.assistant ? 'from-assistant' : ''}>
          {c.platform && <span class="platform">{c.platform}</span>}
          <b>{c.host ? t.host : c.assistant ? t.assistant : (c.name ?? c.userId)}</b>{' '}
          {c.mentions?.length > 0 && <span class="mentions">@{c.mentions.join(' @')} </span>}{c.text}</li>)}
      </ol>
      {mutedUntil && <p class="muted" data-testid="muted">{t.youAreMuted} {new Date(mutedUntil).toLocaleTimeString()}</p>}
      <form class="say" onSubmit={e => { e.preventDefault(); sendComment(text); }}>
        <input value={text} maxLength={200} placeholder={t.say} aria-label={t.say} data-testid="say"
          onInput={e => setText(e.currentTarget.value)} />
        <button type="submit" data-testid="send">{t.send}</button>
        <button type="button" class="like" aria-label={t.like} data-testid="like"
          onClick={() => { likesRef.current++; setPendingLikes(likesRef.current); }}>♥</button>
      </form>
      <div class="gifts">
        {GIFTS.map(g => <button type="button" key={g.gift} aria-label={t[g.gift]} data-testid={`gift-${g.gift}`}
          onClick={() => connection.send({ type: 'gift', gift: g.gift, count: 1 })}>{g.icon}</button>)}
      </div>
      {mine.length > 0 && <p class="mine" data-testid="mine">{mine.length} × {t.ordered}</p>}
    </main>
  );
}

render(<App />, document.getElementById('app'));
