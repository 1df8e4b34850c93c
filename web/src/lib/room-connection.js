// A viewer's connection to a room, as docs/api.md asks a client to behave: ask /join where to
// connect, resume with since=<last seq> after any interruption, follow a node's reconnect hint
// (a drain, a rebalance) to the node it names, back off when nothing answers, and keep measuring
// the page's offset to the cluster's clock over the same socket. The video plays from the node
// /join named; when the socket is told to move, or the video's node stops answering, the page asks
// /join again and the video follows to a node that serves.

const PING_EVERY_MS = 5000;
const FIRST_PINGS = 4;
const FIRST_PING_GAP_MS = 250;
const MAX_BACKOFF_MS = 5000;
// After a drain hint, /join is asked again this often, this many times, until it names another node.
const REJOIN_EVERY_MS = 1000;
const REJOIN_TRIES = 10;

export class RoomConnection {
  /**
   * @param {object} o
   * @param {string} o.roomId
   * @param {string} [o.gateway] the gateway's base URL ('' for the page's own origin)
   * @param {string} [o.user] the anonymous viewer's id (development clusters)
   * @param {string} [o.token] the platform-signed viewer token
   * @param {import('./clock.js').ClockSync} o.clock
   * @param {(e: object) => void} o.onEvent each room event once, in seq order (and snapshots)
   * @param {(s: {state: string, detail?: string, join?: object}) => void} o.onStatus
   *   a join (from /join) comes with the first connection ('joined') and whenever the video
   *   should move to another node ('media', which says nothing of the socket)
   */
  constructor(o) {
    Object.assign(this, o);
    this.gateway = o.gateway ?? '';
    this.since = -1;
    this.hint = null;
    this.failures = 0;
    this.socket = null;
    this.closed = false;
    this.pings = [];
  }

  start() {
    this.connect();
  }

  close() {
    this.closed = true;
    this.timers().forEach(clearTimeout);
    this.socket?.close(1000);
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  timers() {
    return [this.pingTimer, this.retryTimer].filter(Boolean);
  }

  async connect() {
    if (this.closed) {
      return;
    }
    let base = this.hint;
    this.hint = null;
    if (!base) {
      try {
        if (!this.join) {
          // A room that does not exist is said so once, not retried (the socket's 404 is not visible to a page).
          const room = await fetch(`${this.gateway}/api/rooms/${encodeURIComponent(this.roomId)}`);
          if (room.status === 404) {
            this.retry('ROOM_NOT_FOUND', true);
            return;
          }
        }
        const r = await fetch(`${this.gateway}/api/rooms/${encodeURIComponent(this.roomId)}/join`);
        const body = await r.json();
        if (!r.ok) {
          this.retry(`${body.code ?? r.status}: ${body.message ?? ''}`, body.code === 'ROOM_NOT_FOUND');
          return;
        }
        this.join = body;
        this.onStatus({ state: 'joined', join: body });
        base = body.ws;
      } catch (err) {
        this.retry(String(err));
        return;
      }
    }
    const url = new URL(base.split('?')[0]);
    if (this.token) {
      url.searchParams.set('token', this.token);
    } else {
      url.searchParams.set('user', this.user);
    }
    if (this.since >= 0) {
      url.searchParams.set('since', String(this.since));
    }
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.failures = 0;
      this.onStatus({ state: 'live', detail: url.host });
      this.schedulePings(0);
    };
    socket.onmessage = m => this.receive(m.data);
    socket.onclose = ev => {
      clearTimeout(this.pingTimer);
      if (this.socket !== socket || this.closed) {
        return;
      }
      if (this.hint) {
        this.onStatus({ state: 'moving', detail: new URL(this.hint.split('?')[0]).host });
        this.connect();
      } else {
        this.retry(opened ? `closed ${ev.code}` : 'could not connect', false);
      }
    };
  }

  /**
   * Asks /join again for the video's node (once at a time): when the socket moves, or when the
   * video cannot play from the node it has. A new join goes out with onStatus when it names
   * another node. With {@code leaving} (the node a drain hint came from), it asks again every
   * second, up to {@code tries} times, while /join still names that node: the hint can reach the
   * page before the cluster's join table knows the node is going.
   */
  async rejoinMedia({ leaving = null, tries = 1 } = {}) {
    if (this.closed || this.rejoining) {
      return;
    }
    this.rejoining = true;
    try {
      for (let attempt = 0; attempt < tries && !this.closed; attempt++) {
        if (attempt > 0) {
          await new Promise(res => setTimeout(res, REJOIN_EVERY_MS));
        }
        try {
          const r = await fetch(`${this.gateway}/api/rooms/${encodeURIComponent(this.roomId)}/join`);
          const body = await r.json();
          if (r.ok && !this.closed && body.node !== this.join?.node) {
            this.join = body;
            this.onStatus({ state: 'media', join: body });
            return;
          }
          if (r.ok && (leaving === null || body.node !== leaving)) {
            return; // /join still names the video's node, and it is not going
          }
        } catch {
          // asked again below, or by the next failure
        }
      }
    } finally {
      this.rejoining = false;
    }
  }

  retry(detail, fatal = false) {
    if (this.closed) {
      return;
    }
    this.onStatus({ state: fatal ? 'failed' : 'reconnecting', detail });
    if (fatal) {
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.failures++, 5));
    this.retryTimer = setTimeout(() => this.connect(), delay * (0.5 + Math.random() / 2));
  }

  schedulePings(sent) {
    const gap = sent < FIRST_PINGS ? FIRST_PING_GAP_MS : PING_EVERY_MS;
    this.pingTimer = setTimeout(() => {
      this.send({ type: 'ping', t: Date.now() });
      this.schedulePings(sent + 1);
    }, sent === 0 ? 0 : gap);
  }

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    for (const e of Array.isArray(msg) ? msg : [msg]) {
      switch (e.type) {
        case 'pong':
          if (typeof e.t === 'number' && typeof e.serverTime === 'number') {
            this.clock.add(e.t, Date.now(), e.serverTime);
          }
          break;
        case 'reconnect':
          this.since = typeof e.since === 'number' ? e.since : this.since;
          this.hint = e.ws ?? null;
          // This node is going (a drain) or shedding: the video moves too, to where /join says.
          this.rejoinMedia({ leaving: this.join?.node ?? null, tries: REJOIN_TRIES });
          break;
        case 'error':
          this.onStatus({ state: 'error', detail: `${e.code}: ${e.message}` });
          break;
        case 'snapshot':
          this.since = e.seq;
          this.onEvent(e);
          break;
        default:
          if (typeof e.seq === 'number') {
            if (e.seq <= this.since) {
              break;
            }
            this.since = e.seq;
          }
          this.onEvent(e);
      }
    }
  }
}
