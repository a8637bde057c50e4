import { batch } from '@preact/signals';
import { matchesFilter } from '../filter.ts';
import { appendMessages, mergeMailbox, removeThread, upsertThread, type Store } from '../store.ts';
import type { ServerMessage, ThreadSummary } from '../types.ts';

type Sequenced = Extract<ServerMessage, { seq: number }>;
type DomainMessage = Exclude<Sequenced, { type: 'hello' } | { type: 'reload' }>;

export interface EventSinkDeps {
  store: Store;
  /**
   * Replaces the thread list with a fresh HTTP snapshot. Called when we have no history to resume
   * from (first hello, or the server told us to reload).
   */
  loadSnapshot(): Promise<void>;
  /** Opens a thread in the detail pane (used when the open thread was merged into another). */
  openThread(id: number): void;
  /** After every hello: the server forgot this socket's presence, so it is sent again. */
  onHello?(): void;
  /** A thread changed: sidebar counts are stale (the caller refreshes them, debounced). */
  onThreadsChanged?(): void;
  /** A new enquiry arrived live (desktop notification, when the officer opted in). */
  onNewThread?(thread: ThreadSummary): void;
}

export interface EventSink {
  (msg: ServerMessage): void;
  /** Resolves once no snapshot is in flight (tests and callers that want a settled list). */
  settled(): Promise<void>;
}

/**
 * The one place where server events change the store.
 *
 * Ordering rules:
 * - `seq` is the server's commit order; anything at or below the last applied seq is a replay
 *   overlap and is dropped, so resuming with `?since=` can never double-apply.
 * - While a snapshot is being fetched, list events are queued and applied on top of it. The
 *   snapshot may or may not already contain them; upserts are idempotent, so replaying is safe,
 *   while applying them *before* the snapshot landed could be overwritten by older data.
 */
export function createEventSink({
  store,
  loadSnapshot,
  openThread,
  onHello,
  onThreadsChanged,
  onNewThread,
}: EventSinkDeps): EventSink {
  let queued: DomainMessage[] | null = null;
  let inFlight: Promise<void> | null = null;
  let again = false;

  function snapshot(): void {
    if (inFlight) {
      // A newer reason to reload arrived mid-fetch: the running fetch may predate it.
      again = true;
      return;
    }
    queued ??= [];
    // The open thread may have missed messages too; refetching merges them in by id.
    const open = store.detail.value?.threadId;
    if (open !== undefined) openThread(open);
    inFlight = (async () => {
      do {
        again = false;
        try {
          await loadSnapshot();
        } catch {
          // loadSnapshot reports its own errors in the store; still apply what we queued.
        }
      } while (again);
      const pending = queued ?? [];
      queued = null;
      inFlight = null;
      batch(() => pending.forEach(applyDomain));
    })();
  }

  /** Whether a changed thread belongs in the filtered list on screen. */
  function belongs(thread: ThreadSummary): boolean {
    const families = new Map(store.releases.value.map((r) => [r.id, r.familyId]));
    return matchesFilter(thread, store.filter.value, {
      meId:
        store.me.value?.id ?? (store.session.value.kind === 'signed-in' ? store.session.value.user.id : null),
      now: Date.now(),
      timeZone: store.me.value?.officeTimeZone,
      familyOf: (id) => families.get(id),
    });
  }

  function applyDomain(msg: DomainMessage): void {
    switch (msg.type) {
      case 'thread.created':
      case 'thread.updated': {
        const before = store.threads.value.find((t) => t.id === msg.thread.id);
        if (belongs(msg.thread)) {
          store.threads.value = upsertThread(store.threads.value, msg.thread);
          if (!before || before.lastActivityAt !== msg.thread.lastActivityAt) store.flash(msg.thread.id);
        } else {
          store.threads.value = removeThread(store.threads.value, msg.thread.id);
        }
        const d = store.detail.value;
        if (d && d.threadId === msg.thread.id) {
          // Events carry no per-officer read time: keep ours.
          const readAt = msg.thread.readAt ?? d.thread?.readAt;
          store.detail.value = {
            ...d,
            thread: { ...msg.thread, ...(readAt !== undefined ? { readAt } : {}) },
          };
        }
        // A message was split off (or moved) elsewhere: the open thread shows fewer from now on.
        if (d && d.threadId === msg.thread.id && msg.thread.messageCount < d.messages.length)
          openThread(d.threadId);
        onThreadsChanged?.();
        if (msg.type === 'thread.created') onNewThread?.(msg.thread);
        return;
      }
      case 'note.created': {
        const d = store.detail.value;
        if (d && d.threadId === msg.threadId && !d.notes.some((n) => n.id === msg.note.id)) {
          store.detail.value = { ...d, notes: [...d.notes, msg.note] };
        }
        return;
      }
      case 'reply.status': {
        const d = store.detail.value;
        if (d && d.threadId === msg.threadId && msg.reply.messageRowId !== null) {
          store.detail.value = {
            ...d,
            messages: d.messages.map((m) =>
              m.id === msg.reply.messageRowId ? { ...m, reply: msg.reply } : m,
            ),
          };
        }
        return;
      }
      case 'message.created': {
        const d = store.detail.value;
        // Appending while the detail is still loading is fine: the HTTP result is merged by id.
        if (d && d.threadId === msg.threadId) {
          store.detail.value = { ...d, messages: appendMessages(d.messages, [msg.message]) };
        }
        return;
      }
      case 'message.updated': {
        const d = store.detail.value;
        if (d && d.threadId === msg.threadId) {
          store.detail.value = {
            ...d,
            messages: d.messages.map((m) => (m.id === msg.message.id ? msg.message : m)),
          };
        }
        return;
      }
      case 'thread.merged': {
        store.threads.value = removeThread(store.threads.value, msg.threadId);
        onThreadsChanged?.();
        // The conversation the user was reading lives on under another id: follow it there.
        // Either way the surviving thread's detail gained messages that came without events.
        const open = store.detail.value?.threadId;
        if (open === msg.threadId || open === msg.into) openThread(msg.into);
        return;
      }
      case 'sync.progress':
        store.mailboxes.value = mergeMailbox(store.mailboxes.value, msg.mailbox);
        return;
      case 'release.updated':
      case 'release.deleted':
        // The first screen shows no release list yet; linked threads arrive as thread.updated.
        return;
      default: {
        // A newer server may send types we do not know yet; ignoring them keeps us running.
        const _exhaustive: never = msg;
        return;
      }
    }
  }

  const sink = ((msg: ServerMessage): void => {
    switch (msg.type) {
      case 'pong':
        return;
      case 'presence': {
        // Ephemeral and unsequenced: the newest message about a thread is the truth.
        const next = new Map(store.presence.value);
        if (msg.viewers.length === 0) next.delete(msg.threadId);
        else next.set(msg.threadId, msg.viewers);
        store.presence.value = next;
        return;
      }
      case 'thread.read': {
        // This officer read the thread in another tab.
        const t = store.threads.value.find((x) => x.id === msg.threadId);
        if (t)
          store.threads.value = store.threads.value.map((x) =>
            x.id === msg.threadId ? { ...x, readAt: msg.readAt } : x,
          );
        const d = store.detail.value;
        if (d?.thread && d.threadId === msg.threadId)
          store.detail.value = { ...d, thread: { ...d.thread, readAt: msg.readAt } };
        onThreadsChanged?.();
        return;
      }
      case 'hello': {
        // Presence from before a reconnect is stale; the server re-sends who is where.
        store.presence.value = new Map();
        onHello?.();
        const last = store.lastSeq;
        // No history, or the server's log is behind us (its database was reset): start over.
        if (last === null || msg.seq < last) {
          store.lastSeq = msg.seq;
          snapshot();
        }
        // Otherwise we asked for ?since=last and the replay follows this hello.
        return;
      }
      case 'reload':
        // A hello that found the server behind us already started this very snapshot.
        if (inFlight && store.lastSeq === msg.seq) return;
        store.lastSeq = msg.seq;
        snapshot();
        return;
      default: {
        if (typeof msg.seq !== 'number') return;
        const last = store.lastSeq;
        if (last !== null && msg.seq <= last) return;
        store.lastSeq = msg.seq;
        // Only the list is replaced by a snapshot; other events can land straight away.
        if (queued && msg.type.startsWith('thread.')) queued.push(msg);
        else applyDomain(msg);
      }
    }
  }) as EventSink;

  sink.settled = async () => {
    while (inFlight) await inFlight;
  };
  return sink;
}
