import type { ConnectionState } from '../store.ts';
import type { ClientMessage, ServerMessage } from '../types.ts';

/** The server closes with this when the socket has no valid session; retrying cannot help. */
export const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN = 4403;

export interface ConnectionOptions {
  /** Newest applied seq, read at every (re)connect so the server replays only what we missed. */
  lastSeq(): number | null;
  onMessage(msg: ServerMessage): void;
  onState(state: ConnectionState): void;
  /** Session gone: the caller shows the login form. The connection has already stopped. */
  onUnauthorized(): void;
  /** Where the socket lives; defaults to same-origin /api/ws. */
  url?: (since: number | null) => string;
  backoff?: { initialMs: number; maxMs: number };
  pingIntervalMs?: number;
  /** No message at all for this long after a ping means the link is dead, even if TCP has not noticed. */
  pongTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface Connection {
  start(): void;
  /** Deliberate close: no reconnect. */
  close(): void;
  /** Sends when the socket is open; otherwise dropped (presence is re-sent after every hello). */
  send(msg: ClientMessage): void;
}

export function defaultSocketUrl(since: number | null): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = since === null ? '' : `?since=${since}`;
  return `${proto}//${location.host}/api/ws${q}`;
}

/** Capped exponential backoff with jitter, so a restarted server is not hit by every tab at once. */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  // "Equal jitter": keep at least half the delay so retries still slow down.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function createConnection(opts: ConnectionOptions): Connection {
  const { initialMs, maxMs } = opts.backoff ?? { initialMs: 500, maxMs: 10_000 };
  const pingIntervalMs = opts.pingIntervalMs ?? 25_000;
  const pongTimeoutMs = opts.pongTimeoutMs ?? 10_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const urlFor = opts.url ?? defaultSocketUrl;

  let ws: WebSocket | null = null;
  let stopped = true;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let deadTimer: ReturnType<typeof setTimeout> | undefined;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  let state: ConnectionState = 'idle';
  // Once we have been live, every later attempt is a reconnect as far as the user is concerned.
  let everLive = false;

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    opts.onState(next);
  }

  function clearTimers(): void {
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    clearTimeout(deadTimer);
    clearTimeout(connectTimer);
    retryTimer = pingTimer = deadTimer = connectTimer = undefined;
  }

  /** Detach and close the current socket without its close event driving any more logic. */
  function discardSocket(code?: number): void {
    const old = ws;
    ws = null;
    if (!old) return;
    old.onopen = old.onmessage = old.onerror = old.onclose = null;
    try {
      if (old.readyState === WebSocket.CONNECTING || old.readyState === WebSocket.OPEN)
        old.close(code ?? 1000);
    } catch {
      // Closing a half-dead socket can throw in some browsers; it is going away regardless.
    }
  }

  function send(msg: ClientMessage): void {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  function connect(): void {
    clearTimers();
    discardSocket();
    // Still dial while the browser claims to be offline: navigator.onLine can be wrong, and a
    // failed attempt is cheap. The `online` event short-cuts the backoff when it is right.
    setState(navigator.onLine === false ? 'offline' : everLive ? 'reconnecting' : 'connecting');

    const socket = new WebSocket(urlFor(opts.lastSeq()));
    ws = socket;
    connectTimer = setTimeout(() => drop(), connectTimeoutMs);

    socket.onopen = () => {
      clearTimeout(connectTimer);
      pingTimer = setInterval(() => {
        send({ type: 'ping' });
        // Any message (pong or event) before the deadline proves the link is alive.
        if (deadTimer === undefined) deadTimer = setTimeout(() => drop(), pongTimeoutMs);
      }, pingIntervalMs);
    };

    socket.onmessage = (ev: MessageEvent) => {
      clearTimeout(deadTimer);
      deadTimer = undefined;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return; // Not ours to crash on; the server only sends JSON.
      }
      if (!msg || typeof msg !== 'object' || typeof (msg as { type?: unknown }).type !== 'string') return;
      if (msg.type === 'hello') {
        // Only a hello proves the server accepted us; reset the backoff from here, not on open,
        // so a server that accepts and immediately drops us still backs off.
        attempt = 0;
        everLive = true;
        setState('live');
      }
      opts.onMessage(msg);
    };

    socket.onclose = (ev: CloseEvent) => {
      if (ev.code === CLOSE_UNAUTHORIZED || ev.code === CLOSE_FORBIDDEN) {
        stop();
        opts.onUnauthorized();
        return;
      }
      drop();
    };
    // An error is always followed by close; handling both would schedule two reconnects.
    socket.onerror = null;
  }

  /** The link went away without us asking: try again later, picking up from lastSeq. */
  function drop(): void {
    if (stopped) return;
    clearTimers();
    discardSocket(4000);
    setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    const delay = backoffDelay(attempt, initialMs, maxMs);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }

  function stop(): void {
    stopped = true;
    clearTimers();
    discardSocket(1000);
    removeEventListener('online', onOnline);
    removeEventListener('offline', onOffline);
    setState('stopped');
  }

  // The browser knows about network changes long before a dead TCP connection times out.
  function onOffline(): void {
    if (stopped) return;
    drop();
  }
  function onOnline(): void {
    if (stopped) return;
    attempt = 0;
    connect();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      everLive = false;
      addEventListener('online', onOnline);
      addEventListener('offline', onOffline);
      connect();
    },
    close() {
      if (stopped) return;
      stop();
    },
    send,
  };
}
