import WebSocket from 'ws';

export type WsMessage = { type: string; seq?: number; [key: string]: unknown };

/** A real websocket client on the app's port that records every message, for event assertions. */
export async function openEventSocket(baseUrl: string, cookie: string, since?: number) {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/ws${since === undefined ? '' : `?since=${since}`}`;
  const socket = new WebSocket(url, { headers: { cookie } });
  const received: (WsMessage & { receivedAt: number })[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    received.push({ ...(JSON.parse(data.toString()) as WsMessage), receivedAt: Date.now() });
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received,
    /** Resolves with the first message matching `predicate`, waiting on arrivals (no polling). */
    waitFor(
      predicate: (m: WsMessage) => boolean,
      timeoutMs = 15_000,
    ): Promise<WsMessage & { receivedAt: number }> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.find(predicate);
          if (!hit) return false;
          cleanup();
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching websocket message in ${timeoutMs} ms; got ${received.map((m) => m.type).join(', ')}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        waiters.add(wake);
        check();
      });
    },
    close() {
      socket.close();
    },
  };
}
