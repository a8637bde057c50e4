import type { Message, Release, ThreadSummary } from './api.ts';

/** Progress of one mailbox's sync, as shown in the UI's status line. */
export interface SyncProgress {
  address: string;
  state: 'connecting' | 'backfill' | 'idle' | 'reconnecting' | 'auth-failed' | 'error' | 'stopped';
  fetched: number;
  total: number | null;
  lastError?: string;
}

/** Events as stored and published; `seq` is added when the event is committed. */
export type DomainEvent =
  | { type: 'thread.created'; thread: ThreadSummary }
  | { type: 'thread.updated'; thread: ThreadSummary }
  | { type: 'message.created'; threadId: number; message: Message }
  // A stored message changed after the fact (e.g. its sender was verified once DNS answered).
  | { type: 'message.updated'; threadId: number; message: Message }
  // A message linked two conversations: `threadId` is gone from the list, its messages are in `into`.
  | { type: 'thread.merged'; threadId: number; into: number }
  | { type: 'release.updated'; release: Release }
  | { type: 'release.deleted'; releaseId: number }
  | { type: 'sync.progress'; mailbox: SyncProgress };

export type SequencedEvent = DomainEvent & { seq: number };

/**
 * Server → client websocket messages: a discriminated union on `type`.
 * `hello` opens every connection with the newest seq; `reload` tells a client that was away too long
 * to take a fresh snapshot over HTTP instead of replaying.
 */
export type ServerMessage =
  | SequencedEvent
  | { type: 'hello'; seq: number; user: { id: number; name: string } }
  | { type: 'reload'; seq: number; reason: string }
  | { type: 'pong' };

/**
 * Client → server. A reconnecting client resumes with `GET /api/ws?since=<last seq>`; `ping` keeps
 * intermediaries from idling the socket out.
 */
export type ClientMessage = { type: 'ping' };
