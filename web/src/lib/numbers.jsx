// A room's numbers per platform (GET .../numbers), for the host console and the ops dashboard:
// a table per platform with the room's totals, the products, charts over the show's timeline with
// the sales' moments marked, and exports (JSON, CSV). Polled every 5 s.
import { useEffect, useState } from 'preact/hooks';
import { describe, request } from './http.js';
import './numbers.css';

const COLORS = ['#ff3b5c', '#8ab4f8', '#ffd166', '#81c995', '#c58af9', '#f28b82', '#78d9ec', '#fdd663'];
const POLL_MS = 5000;

const ENGLISH = {
  numbersTitle: 'Numbers by platform', platform: 'platform', viewersPeak: 'peak viewers', avgWatch: 'avg watch',
  comments: 'comments', likes: 'likes', gifts: 'gifts', claims: 'coupons', orders: 'orders', units: 'units',
  revenue: 'revenue', buyers: 'buyers', buyerConversion: 'conversion (buyers / audience)', total: 'total', product: 'product',
  viewersOverTime: 'viewers per minute', ordersOverTime: 'orders per minute', exportAs: 'export', noNumbers: 'No numbers yet.',
  thisRoom: 'this room',
};

/** A line chart over minutes, one line per platform, with the sales' moments as dashed lines. */
function MinuteChart({ title, timeline, field, platforms, sales, testid }) {
  const minutes = [...new Set(timeline.map(m => m.minute))].sort((a, b) => a - b);
  if (minutes.length === 0) {
    return null;
  }
  const first = minutes[0];
  const last = Math.max(minutes[minutes.length - 1], first + 60_000);
  const max = Math.max(1, ...timeline.map(m => m[field]));
  const x = t => 40 + ((t - first) / (last - first)) * 550;
  const y = v => 150 - (v / max) * 130;
  return (
    <figure class="numbers-chart" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <svg viewBox="0 0 600 170" width="100%" role="img" aria-label={title}>
        <line x1="40" y1="150" x2="590" y2="150" stroke="#555" />
        <text x="4" y="24" fill="#9aa0a6" font-size="11">{max}</text>
        <text x="40" y="166" fill="#9aa0a6" font-size="11">{new Date(first).toLocaleTimeString()}</text>
        <text x="590" y="166" fill="#9aa0a6" font-size="11" text-anchor="end">{new Date(last).toLocaleTimeString()}</text>
        {sales.filter(s => (s.openedAt || s.revealAt) >= first && (s.openedAt || s.revealAt) <= last + 60_000).map(s => {
          const at = x(Math.min(last, s.openedAt || s.revealAt));
          return <g key={s.saleId} data-sale={s.saleId}>
            <line x1={at} y1="14" x2={at} y2="150" stroke="#ffd166" stroke-dasharray="4 4" />
            <text x={at + 3} y="12" fill="#ffd166" font-size="10">{s.saleId}</text>
          </g>;
        })}
        {platforms.map((p, i) => {
          const points = timeline.filter(m => m.platform === p).map(m => `${x(m.minute)},${y(m[field])}`).join(' ');
          return <polyline key={p} points={points} fill="none" stroke={COLORS[i % COLORS.length]} stroke-width="2" />;
        })}
      </svg>
      <div class="legend">{platforms.map((p, i) => <span key={p} style={`color:${COLORS[i % COLORS.length]}`}>■ {p} </span>)}</div>
    </figure>
  );
}

async function download(url, token, name) {
  const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const blob = await r.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

/** @param url the numbers endpoint; @param token the host's or operator's token; @param words labels (English by default) */
export function PlatformNumbers({ url, token, words = {}, roomId }) {
  const t = { ...ENGLISH, ...words };
  const [numbers, setNumbers] = useState(null);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      const r = await request('GET', url, { token });
      if (!stop) {
        setNumbers(r.status === 200 ? r.body : { problem: describe(r) });
      }
    };
    load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [url, token]);
  if (!numbers) {
    return null;
  }
  const platforms = numbers.platforms ?? [];
  const name = p => (p === 'room' ? t.thisRoom : p);
  const money = c => (c / 100).toFixed(2);
  const row = (p, label, testid) => (
    <tr key={label} data-testid={testid}>
      <td>{label}</td><td>{p.viewersPeak}</td><td>{Math.round(p.avgWatchSeconds / 60)} min</td><td>{p.comments}</td>
      <td>{p.likes}</td><td>{p.gifts}</td><td>{p.claims}</td><td>{p.orders}</td><td>{p.units}</td>
      <td>{money(p.revenueCents)}</td><td>{p.buyers}</td><td>{(100 * p.conversion).toFixed(1)}%</td>
    </tr>
  );
  const names = platforms.map(p => p.platform);
  return (
    <section class="numbers-by-platform" data-testid="platform-numbers">
      <h2>{t.numbersTitle}</h2>
      {numbers.problem && <p class="problem">{numbers.problem}</p>}
      {!numbers.problem && platforms.length === 0 && <p>{t.noNumbers}</p>}
      {platforms.length > 0 && <>
        <table>
          <thead><tr><th>{t.platform}</th><th>{t.viewersPeak}</th><th>{t.avgWatch}</th><th>{t.comments}</th>
            <th>{t.likes}</th><th>{t.gifts}</th><th>{t.claims}</th><th>{t.orders}</th><th>{t.units}</th>
            <th>{t.revenue}</th><th>{t.buyers}</th><th>{t.buyerConversion}</th></tr></thead>
          <tbody>
            {platforms.map(p => row(p, name(p.platform), `numbers-${p.platform}`))}
            {row(numbers.totals, t.total, 'numbers-total')}
          </tbody>
        </table>
        {(numbers.products ?? []).length > 0 && <table data-testid="numbers-products">
          <thead><tr><th>{t.product}</th><th>{t.platform}</th><th>{t.orders}</th><th>{t.units}</th><th>{t.revenue}</th></tr></thead>
          <tbody>{numbers.products.map(p => <tr key={p.productId + p.platform}><td>{p.productId}</td>
            <td>{name(p.platform)}</td><td>{p.orders}</td><td>{p.units}</td><td>{money(p.revenueCents)}</td></tr>)}</tbody>
        </table>}
        <MinuteChart title={t.viewersOverTime} timeline={numbers.timeline ?? []} field="viewersPeak" platforms={names}
          sales={numbers.sales ?? []} testid="numbers-viewers-chart" />
        <MinuteChart title={t.ordersOverTime} timeline={numbers.timeline ?? []} field="orders" platforms={names}
          sales={numbers.sales ?? []} testid="numbers-orders-chart" />
        <p class="exports">{t.exportAs}:{' '}
          <button type="button" class="small" onClick={() => download(url, token, `${roomId}-numbers.json`)}>JSON</button>
          {['platforms', 'timeline', 'products'].map(table => (
            <button key={table} type="button" class="small" data-testid={`export-${table}`}
              onClick={() => download(`${url}?format=csv&table=${table}`, token, `${roomId}-${table}.csv`)}>CSV {table}</button>))}
        </p>
      </>}
    </section>
  );
}
