import type { Actor, Message, Note, Release, Reply, ThreadSummary } from './api.ts';

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
  // `actor` is the officer whose action caused the event (absent for mail and automatic changes).
  | { type: 'thread.created'; thread: ThreadSummary; actor?: Actor }
  | { type: 'thread.updated'; thread: ThreadSummary; actor?: Actor }
  | { type: 'message.created'; threadId: number; message: Message }
  // A stored message changed after the fact (e.g. its sender was verified once DNS answered).
  | { type: 'message.updated'; threadId: number; message: Message }
  // A message or an officer linked two conversations: `threadId` is gone from the list, its messages
  // (and notes) are in `into`.
  | { type: 'thread.merged'; threadId: number; into: number; actor?: Actor }
  | { type: 'note.created'; threadId: number; note: Note }
  // An outgoing reply changed state (held, queued, sending, sent, retrying, failed, bounced…).
  | { type: 'reply.status'; threadId: number; reply: Reply }
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
  | { type: 'pong' }
  | PresenceMessage
  // Sent only to the officer's own sockets (other tabs) when they mark a thread read; not stored.
  | { type: 'thread.read'; threadId: number; readAt: string };

/**
 * An officer's draft on a thread changed (null: deleted, or sent). Ephemeral like presence: drafts
 * are saved as people type, and storing each save in the event log would crowd out real changes
 * (a reconnecting client replays at most a thousand events) and keep every keystroke's text on
 * disk. A client that missed some reads the drafts from the thread detail. `body` is only the first
 * DRAFT_PREVIEW_LENGTH characters; `truncated` says there is more there.
 */
export interface DraftUpdatedMessage {
  type: 'draft.updated';
  threadId: number;
  userId: number;
  draft: { user: Actor; body: string; truncated: boolean; updatedAt: string } | null;
}

export const DRAFT_PREVIEW_LENGTH = 200;

/** Someone viewing a thread, and whether they are writing a reply on it. */
export interface PresenceViewer {
  id: number;
  name: string;
  composing: boolean;
}

/**
 * Who is on a thread now. Ephemeral: not stored, no seq. Sent whenever it changes, and for every
 * thread with viewers right after `hello`; an empty `viewers` means nobody is left.
 */
export interface PresenceMessage {
  type: 'presence';
  threadId: number;
  viewers: PresenceViewer[];
}

/**
 * Client → server. A reconnecting client resumes with `GET /api/ws?since=<last seq>`; `ping` keeps
 * intermediaries from idling the socket out.
 */
export type ClientMessage =
  | { type: 'ping' }
  // The thread this socket is showing (null: none) and whether a reply is being written there.
  // Each message replaces the socket's previous presence; a closed socket leaves.
  | { type: 'presence'; threadId: number | null; composing: boolean };
