// The host console, /host/<roomId>#token=<hostToken>: set up and run a room (products, pin,
// coupons, lucky bags, flash sales on the calendar, announcements, camera), watch its numbers and
// its orders, its one chat across platforms (filter by platform, reply, take a comment off, mute its
// writer), where it is restreamed, the settings to publish
// from OBS, and going live from this browser's camera (WHIP). /host alone creates a room. The host token
// stays in the URL's fragment, which never reaches a server log.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { language, price, words } from '../lib/i18n.js';
import { describe, request } from '../lib/http.js';
import { publishWhip } from '../lib/whip.js';
import { PlatformNumbers } from '../lib/numbers.jsx';
import './host.css';

const roomId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const lang = language();
const t = words(lang);
const api = `/api/rooms/${encodeURIComponent(roomId)}`;
const POLL_MS = 2000;

/**
 * What the room's media says about the host's encoder, from the layers a serving node lists
 * (GET /live/<roomId>/layers, found through /join): B-frames make WebRTC playback choppy.
 */
function EncoderWarnings() {
  const [bFrames, setBFrames] = useState([]);
  useEffect(() => {
    let stopped = false;
    let timer = null;
    const look = async () => {
      try {
        const join = await (await fetch(`${api}/join`)).json();
        if (join.flv) {
          const r = await fetch(join.flv.replace(/\.flv(\?.*)?$/, '/layers'));
          const body = r.ok ? await r.json() : { layers: [] };
          if (!stopped) {
            setBFrames((body.layers ?? []).filter(l => l.bFrames).map(l => l.layer));
          }
        }
      } catch {
        // the next look tries again
      }
      if (!stopped) {
        timer = setTimeout(look, 5000);
      }
    };
    look();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return bFrames.length > 0 ? <p class="problem" data-testid="b-frames">{t.bFrames} ({bFrames.join(', ')})</p> : null;
}

function CreateRoom() {
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState(null);
  const create = async e => {
    e.preventDefault();
    const r = await request('POST', '/api/rooms', { body: { title } });
    if (r.status === 201) {
      location.assign(`/host/${encodeURIComponent(r.body.roomId)}#token=${encodeURIComponent(r.body.hostToken)}`);
    } else {
      setProblem(describe(r));
    }
  };
  return (
    <main class="console">
      <h1>{t.hostConsole}</h1>
      <form onSubmit={create}>
        <input value={title} required maxLength={100} placeholder={t.roomTitle} data-testid="title"
          onInput={e => setTitle(e.currentTarget.value)} />
        <button type="submit" data-testid="create">{t.createRoom}</button>
      </form>
      {problem && <p class="problem">{problem}</p>}
    </main>
  );
}

/** A small form: fields by name, posted as one host operation; the answer shown beside it. */
function HostForm({ op, fields, label, toBody, testid, onDone }) {
  const [values, setValues] = useState({});
  const [answer, setAnswer] = useState(null);
  const submit = async e => {
    e.preventDefault();
    const r = await request('POST', `${api}/${op}`, { token, body: toBody ? toBody(values) : values });
    const ok = r.status === 200 || r.status === 201;
    setAnswer(ok ? '✓' : describe(r));
    if (ok) {
      onDone?.(r.body);
    }
  };
  return (
    <form class="op" onSubmit={submit} data-testid={testid}>
      {fields.map(f => (
        <input key={f.name} name={f.name} type={f.type ?? 'text'} required={!f.optional} placeholder={f.label}
          value={values[f.name] ?? ''} onInput={e => setValues(v => ({ ...v, [f.name]: e.currentTarget.value }))} />
      ))}
      <button type="submit">{label}</button>
      {answer && <span class="answer">{answer}</span>}
    </form>
  );
}

function Numbers({ room, rates, viewers }) {
  const sales = room.flashSales ?? [];
  const sold = sales.reduce((n, s) => n + (s.quantity - s.remaining), 0);
  const stock = sales.reduce((n, s) => n + s.quantity, 0);
  return (
    <section class="numbers" data-testid="numbers">
      <div><b data-testid="viewers">{viewers ?? '–'}</b> {t.viewers}</div>
      <div><b>{rates.commentsPerSecond.toFixed(1)}</b> {t.commentsPerSecond}</div>
      <div><b>{room.likes ?? 0}</b> {t.likes}</div>
      <div><b data-testid="sold">{sold}</b>/{stock} {t.soldOfStock}</div>
      <div><b>{viewers ? ((100 * sold) / viewers).toFixed(1) : '–'}%</b> {t.conversion}</div>
    </section>
  );
}

function Orders({ sales }) {
  const [saleId, setSaleId] = useState('');
  const [orders, setOrders] = useState(null);
  const chosen = saleId || sales[0]?.saleId || '';
  useEffect(() => {
    if (!chosen) {
      return undefined;
    }
    let stop = false;
    const load = async () => {
      const r = await request('GET', `${api}/orders?saleId=${encodeURIComponent(chosen)}`, { token });
      if (!stop) {
        setOrders(r.status === 200 ? r.body : { problem: describe(r) });
      }
    };
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [chosen]);
  if (!chosen) {
    return null;
  }
  return (
    <section class="orders">
      <h2>{t.orders}</h2>
      <select value={chosen} onChange={e => setSaleId(e.currentTarget.value)}>
        {sales.map(s => <option key={s.saleId} value={s.saleId}>{s.saleId}</option>)}
      </select>
      {orders?.problem && <p class="problem">{orders.problem}</p>}
      <table data-testid="orders">
        <tbody>
          {(orders?.orders ?? []).map(o => <tr key={o.orderId}><td>{o.userId}</td><td>{o.quantity}</td><td>{o.orderId}</td></tr>)}
        </tbody>
      </table>
    </section>
  );
}

/** The room's restream destinations, polled: an array, or { problem } when the room refused. */
function useDestinations() {
  const [list, setList] = useState(null);
  const load = async () => {
    const r = await request('GET', `${api}/destinations`, { token });
    setList(r.status === 200 ? r.body.destinations : { problem: describe(r) });
  };
  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  return [list, load];
}

/**
 * Where the show is restreamed and how each push is doing. The stream key is never shown back; the
 * chat secret a platform's relay signs with is shown once, when the destination is added.
 */
function Restreams({ list, load }) {
  const [secret, setSecret] = useState(null);
  const remove = async id => {
    await request('DELETE', `${api}/destinations/${encodeURIComponent(id)}`, { token });
    load();
  };
  return (
    <section class="restreams">
      <h2>{t.restreams}</h2>
      {list?.problem && <p class="problem">{list.problem}</p>}
      <ul class="list" data-testid="destinations">
        {(Array.isArray(list) ? list : []).map(d => (
          <li key={d.destinationId} data-testid={`destination-${d.destinationId}`}>
            <b>{d.platform}</b> {d.url} · <span class="tag" data-testid={`destination-state-${d.destinationId}`}>{d.state}</span>
            {d.chat && <span class="tag">{t.chatLinked}</span>}
            {d.kbps != null && <> · {d.kbps} kbit/s · {d.reconnects} {t.reconnects}</>}
            {d.lastError && <span class="problem"> · {d.lastError} ({new Date(d.lastErrorAt).toLocaleTimeString()})</span>}
            {d.nextAttemptAt && <> · {t.nextTry} {new Date(d.nextAttemptAt).toLocaleTimeString()}</>}
            <button type="button" class="small" onClick={() => remove(d.destinationId)}>{t.remove}</button>
          </li>))}
      </ul>
      <HostForm op="destinations" label={t.addDestination} testid="add-destination"
        fields={[{ name: 'platform', label: t.platform }, { name: 'url', label: t.ingestUrl },
          { name: 'streamKey', label: t.streamKey, type: 'password' }, { name: 'layer', label: t.layerOptional, optional: true },
          { name: 'replyUrl', label: t.replyUrlOptional, optional: true },
          { name: 'chatSecret', label: t.chatSecretOptional, type: 'password', optional: true }]}
        toBody={v => ({ platform: v.platform, url: v.url, streamKey: v.streamKey, layer: v.layer || undefined,
          replyUrl: v.replyUrl || undefined, chatSecret: v.chatSecret || undefined })}
        onDone={body => { setSecret(body.created ?? null); load(); }} />
      {secret && <p data-testid="chat-secret">{t.chatSecretOnce} ({secret.destinationId}): <code>{secret.chatSecret}</code>
        <button type="button" class="small" onClick={() => setSecret(null)}>✕</button></p>}
    </section>
  );
}

function Publish() {
  const [settings, setSettings] = useState(null);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    request('GET', `${api}/publish`).then(r => setSettings(r.status === 200 ? r.body : null));
  }, []);
  if (!settings) {
    return null;
  }
  const key = settings.streamKey.replace('<hostToken>', token);
  return (
    <section class="publish" data-testid="publish">
      <h2>{t.publish}</h2>
      <div>{t.server}: <code>{settings.server}</code></div>
      <div>{t.streamKey}: <code>{shown ? key : '••••••••'}</code>
        <button type="button" onClick={() => setShown(!shown)}>{shown ? t.hide : t.show}</button></div>
      <ul>{Object.entries(settings.encoder).map(([k, v]) => <li key={k}>{k}: {String(v)}</li>)}</ul>
      {settings.whip && <GoLiveHere url={settings.whip} />}
    </section>
  );
}

/** The host's camera and microphone straight from this browser (WHIP), with a preview. */
function GoLiveHere({ url }) {
  const preview = useRef(null);
  const [state, setState] = useState(null);
  const [stop, setStop] = useState(null);
  useEffect(() => () => stop?.(), [stop]);
  const start = async () => {
    try {
      const s = await publishWhip(url, token, preview.current, setState);
      setStop(() => s);
    } catch (e) {
      setState(`failed: ${e.message ?? e}`);
    }
  };
  const live = state === 'starting' || state === 'live';
  return (
    <div class="go-live">
      <video ref={preview} class="preview" playsInline muted autoPlay />
      {live
        ? <button type="button" data-testid="whip-stop" onClick={() => { stop?.(); setStop(null); }}>{t.stopLive}</button>
        : <button type="button" data-testid="whip-start" onClick={start}>{t.goLiveHere}</button>}
      {state && <span class="tag" data-testid="whip-state">{state === 'live' ? t.onAir : state}</span>}
    </div>
  );
}

/**
 * The room's one chat: its own viewers' comments and every platform's (marked with the platform),
 * filtered by where they come from; the host takes a comment off, mutes its writer, or replies: to
 * the platform a comment came from, to one platform, or to all of them (the reply shows in the
 * room too).
 */
function Chat({ room, destinations, moderate, moderation }) {
  const [from, setFrom] = useState('');
  const [replyTo, setReplyTo] = useState(null);
  const [target, setTarget] = useState('');
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState(null);
  const comments = room.recentComments ?? [];
  const platforms = [...new Set([...destinations.map(d => d.platform),
    ...comments.filter(c => c.platform).map(c => c.platform)])];
  const shown = comments.filter(c => from === '' || (from === '-' ? !c.platform && !c.host : c.platform === from));
  const send = async e => {
    e.preventDefault();
    const body = { text, inReplyTo: replyTo?.seq, destinationId: target || undefined };
    const r = await request('POST', `${api}/replies`, { token, body });
    setAnswer(r.status === 200 ? '✓' : describe(r));
    if (r.status === 200) {
      setText('');
      setReplyTo(null);
    }
  };
  return (
    <section class="chat">
      <h2>{t.chat}</h2>
      <select value={from} data-testid="chat-filter" onChange={e => setFrom(e.currentTarget.value)}>
        <option value="">{t.everyone}</option>
        <option value="-">{t.thisRoom}</option>
        {platforms.map(p => <option key={p} value={p}>{p}</option>)}
      </select>
      <ol data-testid="host-chat">{shown.slice(-20).map(c => (
        <li key={c.seq} data-seq={c.seq} data-platform={c.platform ?? ''}>
          {c.platform && <span class="platform">{c.platform}</span>}
          <b>{c.host ? t.host : (c.name ?? c.userId)}</b> {c.text}
          {!c.host && <>
            <button type="button" class="small" data-testid={`reply-${c.seq}`}
              onClick={() => { setReplyTo(c); setTarget(''); }}>{t.reply}</button>
            <button type="button" class="small" title={t.removeComment} data-testid={`remove-${c.seq}`}
              onClick={() => moderate('DELETE', `${api}/comments/${c.seq}`)}>✕</button>
            <button type="button" class="small" title={t.muteUser} data-testid={`mute-${c.seq}`}
              onClick={() => moderate('POST', `${api}/mutes`, { userId: c.userId, durationMs: 10 * 60_000 })}>{t.mute}</button>
          </>}
        </li>))}
      </ol>
      <form class="op" onSubmit={send} data-testid="reply">
        {replyTo && <span class="answer">{t.replyingTo} {replyTo.name ?? replyTo.userId}
          <button type="button" class="small" onClick={() => setReplyTo(null)}>{t.cancel}</button></span>}
        {!replyTo?.platform && <select value={target} data-testid="reply-target" onChange={e => setTarget(e.currentTarget.value)}>
          <option value="">{t.toAllPlatforms}</option>
          {destinations.filter(d => d.replyUrl).map(d => <option key={d.destinationId} value={d.destinationId}>{d.platform}</option>)}
        </select>}
        <input value={text} required maxLength={500} placeholder={t.yourReply} data-testid="reply-text"
          onInput={e => setText(e.currentTarget.value)} />
        <button type="submit">{t.sendReply}</button>
        {answer && <span class="answer">{answer}</span>}
      </form>
      {(room.muted ?? []).length > 0 && <ul class="list" data-testid="muted">
        {room.muted.map(m => (
          <li key={m.userId}>{m.userId} · {t.mutedUntil} {new Date(m.until).toLocaleTimeString()}
            <button type="button" class="small" onClick={() => moderate('DELETE',
              `${api}/mutes/${encodeURIComponent(m.userId)}`)}>{t.liftMute}</button></li>))}
      </ul>}
      {moderation && <p class="problem">{moderation}</p>}
    </section>
  );
}

/**
 * The room's assistant: its mode (off, on, suggest), the replies it suggests for the host to post
 * with one click, and the questions it handed to the host. Read every 2 s (GET .../assistant).
 */
function Assistant() {
  const [view, setView] = useState(null);
  const load = async () => {
    const r = await request('GET', `${api}/assistant`, { token });
    setView(r.status === 200 ? r.body : { problem: describe(r) });
  };
  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const mode = async m => {
    const r = await request('PUT', `${api}/assistant`, { token, body: { mode: m } });
    if (r.status !== 200) {
      setView(v => ({ ...v, problem: describe(r) }));
    }
    load();
  };
  const approve = async id => {
    await request('POST', `${api}/assistant/suggestions/${id}`, { token });
    load();
  };
  if (!view) {
    return null;
  }
  return (
    <section class="assistant" data-testid="assistant">
      <h2>{t.assistant}</h2>
      {view.problem && <p class="problem">{view.problem}</p>}
      <div class="modes">{['off', 'on', 'suggest'].map(m => (
        <button key={m} type="button" class={view.mode === m ? 'chosen' : ''} data-testid={`assistant-${m}`}
          onClick={() => mode(m)}>{t[`assistant_${m}`]}</button>))}
      </div>
      {(view.suggestions ?? []).length > 0 && <ul class="list" data-testid="assistant-suggestions">
        {view.suggestions.map(x => (
          <li key={x.id}>{x.text} <span class="tag">@{(x.askers ?? []).join(' @')}</span>
            <button type="button" class="small" data-testid={`approve-${x.id}`} onClick={() => approve(x.id)}>{t.post}</button>
          </li>))}
      </ul>}
      {(view.questions ?? []).length > 0 && <>
        <h3>{t.forYou}</h3>
        <ul class="list" data-testid="assistant-questions">
          {view.questions.slice(-10).map(q => <li key={q.seq}><b>{q.user}</b> {q.text}</li>)}
        </ul>
      </>}
    </section>
  );
}

function Console() {
  const [room, setRoom] = useState(null);
  const [problem, setProblem] = useState(null);
  const [rates, setRates] = useState({ commentsPerSecond: 0, lastSeq: -1, at: 0 });
  const [viewers, setViewers] = useState(null);
  const [moderation, setModeration] = useState(null);
  const [destinations, loadDestinations] = useDestinations();
  useEffect(() => {
    let stop = false;
    const poll = async () => {
      const r = await request('GET', api);
      if (stop) {
        return;
      }
      if (r.status !== 200) {
        setProblem(describe(r));
        return;
      }
      setProblem(null);
      setRoom(r.body);
      const stats = await request('GET', `${api}/stats`);
      setViewers(stats.status === 200 ? stats.body.viewers : null);
      setRates(prev => {
        const now = Date.now();
        const seqs = (r.body.recentComments ?? []).map(c => c.seq);
        const newest = seqs.length ? Math.max(...seqs) : prev.lastSeq;
        const fresh = prev.lastSeq < 0 ? 0 : seqs.filter(s => s > prev.lastSeq).length;
        const seconds = prev.at ? (now - prev.at) / 1000 : 1;
        return { ...prev, commentsPerSecond: fresh / seconds, lastSeq: newest, at: now };
      });
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);
  if (!token) {
    return <main class="console"><p class="problem" data-testid="no-token">{t.needHostToken}</p></main>;
  }
  if (!room) {
    return <main class="console"><p>{problem ?? t.connecting}</p></main>;
  }
  const moderate = async (method, url, body) => {
    const r = await request(method, url, { token, body });
    setModeration(r.status === 200 ? null : describe(r));
  };
  const products = room.products ?? [];
  const sales = room.flashSales ?? [];
  const number = v => Number(v);
  return (
    <main class="console">
      <header><h1>{room.title || roomId}</h1> <a href={`/live/${encodeURIComponent(roomId)}`} target="_blank">{t.viewerPage}</a></header>
      {problem && <p class="problem">{problem}</p>}
      <EncoderWarnings />
      <Numbers room={room} rates={rates} viewers={viewers} />
      <section>
        <h2>{t.products}</h2>
        <ul class="list" data-testid="products">
          {products.map(p => (
            <li key={p.productId}>
              <b>{p.name}</b> {price(p.priceCents, lang)} · {t.left} {p.stock}
              {room.pinnedProductId === p.productId ? <span class="tag">{t.pinned}</span>
                : <button type="button" data-testid={`pin-${p.productId}`}
                  onClick={() => request('POST', `${api}/pin`, { token, body: { productId: p.productId } })}>{t.pin}</button>}
            </li>
          ))}
        </ul>
        <HostForm op="products" label={t.addProduct} testid="add-product"
          fields={[{ name: 'productId', label: 'id' }, { name: 'name', label: t.name },
            { name: 'price', label: t.price, type: 'number' }, { name: 'stock', label: t.stock, type: 'number' }]}
          toBody={v => ({ productId: v.productId, name: v.name, priceCents: Math.round(number(v.price) * 100),
            stock: number(v.stock) })} />
      </section>
      <section>
        <h2>{t.flashSales}</h2>
        <ul class="list" data-testid="sales">
          {sales.map(s => (
            <li key={s.saleId}>{s.saleId} · {s.productId} · {new Date(s.revealAt).toLocaleTimeString()} · {s.status}
              · {s.quantity - s.remaining}/{s.quantity}</li>
          ))}
        </ul>
        <HostForm op="flash-sales" label={t.announceSale} testid="announce-sale"
          fields={[{ name: 'saleId', label: 'id' }, { name: 'productId', label: t.productId },
            { name: 'quantity', label: t.quantity, type: 'number' }, { name: 'perUserLimit', label: t.perUser, type: 'number' },
            { name: 'inSeconds', label: t.startsInSeconds, type: 'number' }]}
          toBody={v => ({ saleId: v.saleId, productId: v.productId, quantity: number(v.quantity),
            perUserLimit: number(v.perUserLimit), revealInMs: Math.round(number(v.inSeconds) * 1000) })} />
      </section>
      <section>
        <h2>{t.coupons} · {t.luckyBags}</h2>
        <HostForm op="coupons" label={t.issueCoupon}
          fields={[{ name: 'couponId', label: 'id' }, { name: 'discount', label: t.discount, type: 'number' },
            { name: 'count', label: t.count, type: 'number' }]}
          toBody={v => ({ couponId: v.couponId, discountCents: Math.round(number(v.discount) * 100), count: number(v.count) })} />
        <HostForm op="lucky-bags" label={t.startLuckyBag}
          fields={[{ name: 'bagId', label: 'id' }, { name: 'keyword', label: t.keyword }, { name: 'prize', label: t.prize },
            { name: 'winners', label: t.winners, type: 'number' }, { name: 'seconds', label: t.seconds, type: 'number' }]}
          toBody={v => ({ bagId: v.bagId, keyword: v.keyword, prize: v.prize, winners: number(v.winners),
            durationMs: Math.round(number(v.seconds) * 1000) })} />
      </section>
      <section>
        <h2>{t.onAir}</h2>
        <HostForm op="announcements" label={t.announce} testid="announce" fields={[{ name: 'text', label: t.announcement }]} />
        <HostForm op="camera" label={t.switchCamera} fields={[{ name: 'camera', label: t.camera }]} />
      </section>
      <Orders sales={sales} />
      <Chat room={room} destinations={Array.isArray(destinations) ? destinations : []} moderate={moderate}
        moderation={moderation} />
      <Assistant />
      <PlatformNumbers url={`${api}/numbers`} token={token} words={t} roomId={roomId} />
      <Restreams list={destinations} load={loadDestinations} />
      <Publish />
    </main>
  );
}

render(roomId ? <Console /> : <CreateRoom />, document.getElementById('app'));
