import websocket from '@fastify/websocket';
import { asc, desc, gt } from 'drizzle-orm';
import fp from 'fastify-plugin';
import type { WebSocket } from '@fastify/websocket';
import { events } from '../../db/schema.ts';
import { SESSION_COOKIE, sessionUser } from '../plugins/auth.ts';
import type {
  ClientMessage,
  DraftUpdatedMessage,
  SequencedEvent,
  ServerMessage,
} from '../schemas/realtime.ts';
import { PresenceRegistry } from './presence.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Closes every websocket opened with this session token (on sign-out). */
    closeSessionSockets(token: string): void;
    /** Sends a message, not stored and without seq, to every open socket of one officer. */
    sendToUser(userId: number, message: ServerMessage): void;
    /** Sends a message, not stored and without seq, to every signed-in open socket. */
    broadcast(message: ServerMessage | DraftUpdatedMessage): void;
  }
}

/** Close code for "no valid session": the client goes to the login screen instead of retrying. */
export const WS_UNAUTHENTICATED = 4401;
// A client further behind than this takes a fresh snapshot over HTTP: cheaper than a long replay.
const MAX_REPLAY = 1000;
// Bound what one slow client may queue in memory before we drop it (it resumes by seq later).
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

function send(socket: WebSocket, message: ServerMessage | DraftUpdatedMessage): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, 'too slow; reconnect to resume');
    return;
  }
  socket.send(JSON.stringify(message));
}

function parseClientMessage(data: unknown): ClientMessage | null {
  try {
    const value = JSON.parse(String(data)) as { type?: unknown; threadId?: unknown; composing?: unknown };
    if (value.type === 'ping') return { type: 'ping' };
    if (value.type === 'presence') {
      const threadId = value.threadId;
      if (threadId !== null && !(Number.isSafeInteger(threadId) && (threadId as number) > 0)) return null;
      return { type: 'presence', threadId: threadId as number | null, composing: value.composing === true };
    }
  } catch {
    // Not JSON: ignored, like any unknown message.
  }
  return null;
}

export default fp(
  async (app) => {
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

    const socketsBySession = new Map<string, Set<WebSocket>>();
    app.decorate('closeSessionSockets', (token: string) => {
      for (const socket of socketsBySession.get(token) ?? []) socket.close(WS_UNAUTHENTICATED, 'signed out');
    });
    const socketsByUser = new Map<number, Set<WebSocket>>();
    app.decorate('sendToUser', (userId: number, message: ServerMessage) => {
      for (const socket of socketsByUser.get(userId) ?? []) send(socket, message);
    });
    // Presence goes to every open socket; a hello'd socket also gets the snapshot.
    const allSockets = new Set<WebSocket>();
    const presence = new PresenceRegistry<WebSocket>();
    const broadcastPresence = (changes: ServerMessage[]) => {
      for (const change of changes) for (const socket of allSockets) send(socket, change);
    };
    app.decorate('broadcast', (message: ServerMessage | DraftUpdatedMessage) => {
      for (const socket of allSockets) send(socket, message);
    });

    const latestSeq = () =>
      app.db.select({ seq: events.seq }).from(events).orderBy(desc(events.seq)).limit(1).get()?.seq ?? 0;

    app.get(
      '/api/ws',
      // Authenticated below rather than by the onRequest hook, so the browser learns why (close code).
      { websocket: true, config: { public: true }, schema: { hide: true } },
      (socket, request) => {
        const user = sessionUser(request);
        if (!user) {
          socket.close(WS_UNAUTHENTICATED, 'sign in first');
          return;
        }
        // Signing out (or the session expiring) ends the socket too, not only the HTTP access.
        const token = request.cookies[SESSION_COOKIE]!;
        const mine = socketsBySession.get(token) ?? new Set<WebSocket>();
        mine.add(socket);
        socketsBySession.set(token, mine);
        const ofUser = socketsByUser.get(user.id) ?? new Set<WebSocket>();
        ofUser.add(socket);
        socketsByUser.set(user.id, ofUser);
        socket.on('close', () => {
          mine.delete(socket);
          if (mine.size === 0) socketsBySession.delete(token);
          ofUser.delete(socket);
          if (ofUser.size === 0) socketsByUser.delete(user.id);
          allSockets.delete(socket);
          broadcastPresence(presence.leave(socket));
        });
        // Subscribe before reading the backlog so nothing committed in between is missed; the
        // client drops anything at or below the last seq it applied.
        const pending: SequencedEvent[] = [];
        let replaying = true;
        let lastSent = 0;
        const deliver = (event: SequencedEvent) => {
          if (event.seq <= lastSent) return;
          lastSent = event.seq;
          send(socket, event);
        };
        const unsubscribe = app.bus.subscribe((event) => (replaying ? pending.push(event) : deliver(event)));
        socket.on('close', unsubscribe);

        const head = latestSeq();
        send(socket, { type: 'hello', seq: head, user: { id: user.id, name: user.name } });
        const sinceRaw = (request.query as { since?: string }).since;
        const since = sinceRaw !== undefined && /^\d+$/.test(sinceRaw) ? Number(sinceRaw) : null;
        lastSent = head;
        if (since !== null && since > head) {
          // The server's log is younger than the client's memory (a restored or new db).
          send(socket, { type: 'reload', seq: head, reason: 'the server was reset' });
        } else if (since !== null && since < head) {
          const missed = app.db
            .select()
            .from(events)
            .where(gt(events.seq, since))
            .orderBy(asc(events.seq))
            .limit(MAX_REPLAY + 1)
            .all();
          if (missed.length > MAX_REPLAY) {
            send(socket, { type: 'reload', seq: head, reason: 'too many changes while disconnected' });
          } else {
            lastSent = since;
            for (const row of missed)
              if (row.seq <= head) deliver({ ...(row.payload as object), seq: row.seq } as SequencedEvent);
          }
        }
        replaying = false;
        for (const event of pending.splice(0)) deliver(event);
        for (const current of presence.snapshot()) send(socket, current);
        allSockets.add(socket);

        socket.on('message', (data: unknown) => {
          const message = parseClientMessage(data);
          if (message?.type === 'presence') {
            broadcastPresence(
              presence.set(socket, { id: user.id, name: user.name }, message.threadId, message.composing),
            );
            return;
          }
          if (message?.type !== 'ping') return;
          // Pings come every ~25 s: a cheap moment to notice an expired session.
          if (!sessionUser(request)) socket.close(WS_UNAUTHENTICATED, 'session ended');
          else send(socket, { type: 'pong' });
        });
      },
    );
  },
  { name: 'realtime', dependencies: ['db', 'auth'] },
);
