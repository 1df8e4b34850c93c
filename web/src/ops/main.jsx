// The ops dashboard, /ops#token=<ops token>: what `shardcast ops` shows, live. Nodes with role,
// viewers, stress and bottleneck over the last minutes, the autoscaler's decisions on the same time
// axis, the busiest rooms with events/s, sales in progress with orders/s, and media routes. It
// reads the same ops API as the CLI (/api/ops/v1); there is no back end of its own.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describe, request } from '../lib/http.js';
import { PlatformNumbers } from '../lib/numbers.jsx';
import { timeChart } from './chart.js';
import { History } from './history.js';
import './ops.css';

const POLL_MS = 2000;
const samples = new History();
const decisions = [];
// What browser tests read: the charts' samples and when the page opened.
window.shardcastOps = { samples, openedAt: Date.now() };

function initialToken() {
  const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromUrl) {
    sessionStorage.setItem('shardcast.ops', fromUrl);
    window.history.replaceState(null, "", location.pathname); // the token leaves the address bar
  }
  return fromUrl ?? sessionStorage.getItem('shardcast.ops') ?? '';
}

function TokenForm({ onToken, problem }) {
  const [value, setValue] = useState('');
  return (
    <main class="dash">
      <h1>Shardcast ops</h1>
      {problem && <p class="problem" data-testid="problem">{problem}</p>}
      <form onSubmit={e => { e.preventDefault(); sessionStorage.setItem('shardcast.ops', value); onToken(value); }}>
        <input type="password" value={value} placeholder="ops token (ops:read)" data-testid="token"
          onInput={e => setValue(e.currentTarget.value)} />
        <button type="submit">Open</button>
      </form>
    </main>
  );
}

function Chart({ title, data }) {
  const el = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    if (!chart.current && el.current) {
      chart.current = timeChart(el.current, title, Math.min(1060, el.current.clientWidth || 600));
    }
    if (data.times.length > 1) {
      chart.current.update({ ...data, marks: decisions });
    }
  });
  useEffect(() => {
    const watcher = new ResizeObserver(() => chart.current?.resize(Math.min(1060, el.current.clientWidth)));
    watcher.observe(el.current);
    return () => watcher.disconnect();
  }, []);
  return <div class="chart" ref={el} />;
}

function Dashboard({ token, onRefused }) {
  const [status, setStatus] = useState(null);
  const [rooms, setRooms] = useState([]);
  const [sales, setSales] = useState([]);
  const [routes, setRoutes] = useState({});
  const [chosen, setChosen] = useState(null);
  const [problem, setProblem] = useState(null);
  const [, setTick] = useState(0);
  useEffect(() => {
    let stop = false;
    let after = Date.now() - 10 * 60_000;
    // The last ten minutes as the autoscaler saw them: the charts do not start empty.
    request('GET', `/api/ops/v1/autoscaler/history?after=${after}`, { token }).then(h => {
      if (!stop && h.status === 200) {
        samples.seed((h.body.history ?? []).map(x => ({ at: x.at, nodes: x.nodes })));
        setTick(x => x + 1);
      }
    });
    const poll = async () => {
      const [s, r, sa, tl] = await Promise.all([
        request('GET', '/api/ops/v1/status', { token }),
        request('GET', '/api/ops/v1/rooms?sort=viewers&limit=10', { token }),
        request('GET', '/api/ops/v1/sales', { token }),
        request('GET', `/api/ops/v1/autoscaler/timeline?after=${after}`, { token }),
      ]);
      if (stop) {
        return;
      }
      if (s.status === 401 || s.status === 403) {
        onRefused(describe(s));
        return;
      }
      if (s.status !== 200) {
        setProblem(describe(s));
        return;
      }
      setProblem(null);
      setStatus(s.body);
      samples.add(Date.now(), s.body.nodes ?? []);
      if (r.status === 200) {
        setRooms(r.body.rooms ?? []);
        const top = (r.body.rooms ?? []).slice(0, 3);
        const media = await Promise.all(top.map(x => request('GET',
          `/api/ops/v1/rooms/${encodeURIComponent(x.roomId)}/media`, { token })));
        setRoutes(Object.fromEntries(top.map((x, i) => [x.roomId, media[i].status === 200 ? media[i].body : null])));
      }
      if (sa.status === 200) {
        setSales((sa.body.sales ?? []).filter(x => x.status === 'OPEN' || x.status === 'ANNOUNCED'));
      }
      if (tl.status === 200) {
        for (const d of tl.body.timeline ?? []) {
          decisions.push({ at: d.at, label: d.reason });
        }
        after = tl.body.latestAt ?? after;
      }
      setTick(x => x + 1);
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [token]);
  if (!status) {
    return <main class="dash"><p>{problem ?? 'Connecting…'}</p></main>;
  }
  const totals = status.totals ?? {};
  return (
    <main class="dash">
      <header>
        <h1>Shardcast ops</h1>
        <span data-testid="totals">{totals.nodes} nodes ({totals.active} active, {totals.standby} standby) ·
          {' '}{totals.viewers} viewers · {totals.rooms} rooms</span>
      </header>
      {problem && <p class="problem">{problem}</p>}
      <ul class="problems" data-testid="problems">
        {(status.problems ?? []).map((p, i) => <li key={i} class={p.severity}>{p.code}: {p.message}</li>)}
      </ul>
      {status.autoscaler?.latest && <p class="decision" data-testid="decision">autoscaler ({status.autoscaler.mode}):
        {' '}{status.autoscaler.latest.reason} · active target {status.autoscaler.latest.activeTarget}
        {status.autoscaler.hold && ` · operator hold: at least ${status.autoscaler.hold.active} active`}</p>}
      <section class="charts">
        <Chart title="viewers per node" data={samples.series('viewers')} />
        <Chart title="stress per node (1 = safe load)" data={samples.series('stress')} />
        <Chart title="active nodes (dashed: autoscaler decisions)" data={samples.activeNodes()} />
      </section>
      <section>
        <h2>Nodes</h2>
        <table data-testid="nodes">
          <thead><tr><th>node</th><th>role</th><th>viewers</th><th>stress</th><th>bottleneck</th><th>rooms</th></tr></thead>
          <tbody>{(status.nodes ?? []).map(n => (
            <tr key={n.node}><td>{n.host}</td><td>{n.role}</td><td>{n.viewers}</td>
              <td class={n.stress > 1 ? 'hot' : ''}>{Number(n.stress).toFixed(2)}</td><td>{n.bottleneck}</td><td>{n.rooms}</td></tr>
          ))}</tbody>
        </table>
      </section>
      <section>
        <h2>Rooms</h2>
        <table data-testid="rooms">
          <thead><tr><th>room</th><th>viewers</th><th>trend</th><th>events/s</th><th>node</th><th>media</th></tr></thead>
          <tbody>{rooms.map(r => (
            <tr key={r.roomId}><td><button type="button" class="link" data-testid={`room-${r.roomId}`}
              onClick={() => setChosen(r.roomId)}>{r.roomId}</button></td><td>{r.viewers}</td><td>{Number(r.trend).toFixed(1)}</td>
              <td>{Number(r.eventsPerSecond ?? 0).toFixed(1)}</td><td>{r.node}</td>
              <td>{routes[r.roomId] ? (routes[r.roomId].live ? `${routes[r.roomId].origin} → ${(routes[r.roomId].subscribers ?? []).length} nodes` : 'not live') : ''}</td></tr>
          ))}</tbody>
        </table>
      </section>
      {chosen && <PlatformNumbers url={`/api/ops/v1/rooms/${encodeURIComponent(chosen)}/numbers`} token={token}
        roomId={chosen} words={{ numbersTitle: `Numbers by platform: ${chosen}` }} />}
      <section>
        <h2>Sales</h2>
        <table data-testid="sales">
          <thead><tr><th>room</th><th>sale</th><th>status</th><th>sold</th><th>orders/s</th><th>opens</th></tr></thead>
          <tbody>{sales.map(x => (
            <tr key={x.room + x.sale}><td>{x.room}</td><td>{x.sale}</td><td>{x.status}</td><td>{x.sold}/{x.quantity}</td>
              <td>{Number(x.ordersPerSecond ?? 0).toFixed(1)}</td><td>{new Date(x.revealAt).toLocaleTimeString()}</td></tr>
          ))}</tbody>
        </table>
      </section>
    </main>
  );
}

function App() {
  const [token, setToken] = useState(initialToken());
  const [refused, setRefused] = useState(null);
  if (!token || refused) {
    return <TokenForm problem={refused} onToken={t => { setRefused(null); setToken(t); }} />;
  }
  return <Dashboard token={token} onRefused={setRefused} />;
}

render(<App />, document.getElementById('app'));
