import { batch, computed, signal } from '@preact/signals';
import type { Health, Message, SyncProgress, ThreadSummary, User } from './types.ts';

export type SessionState =
  { kind: 'checking' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; user: User };

/** `live` only once the server's hello arrived: an open socket alone does not mean we are caught up. */
export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline' | 'stopped';

export interface MailboxStatus {
  address: string;
  state: string;
  lastError?: string | undefined;
  fetched?: number | undefined;
  total?: number | null | undefined;
}

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

export interface DetailState {
  threadId: number;
  status: LoadState;
  thread: ThreadSummary | null;
  messages: Message[];
  error: string | null;
}

/** Mailbox states that mean mail is not arriving and a person has to act. */
export const FAILING_STATES: ReadonlySet<string> = new Set(['auth-failed', 'error']);

/** How long a new or moved row keeps its highlight. */
export const FRESH_MS = 2500;

export function createStore() {
  const session = signal<SessionState>({ kind: 'checking' });
  const mailConfigured = signal<boolean | null>(null);
  const healthStatus = signal<Health['status'] | null>(null);
  const needsAdmin = signal(false);
  const mailboxes = signal<MailboxStatus[]>([]);

  // Always sorted by lastActivityAt desc, ids unique (see upsertThread / mergeThreads).
  const threads = signal<ThreadSummary[]>([]);
  const nextCursor = signal<string | null>(null);
  const listState = signal<LoadState>('idle');
  const listError = signal<string | null>(null);
  const loadingMore = signal(false);

  const fresh = signal<ReadonlySet<number>>(new Set());
  const selectedId = signal<number | null>(null);
  const detail = signal<DetailState | null>(null);

  const connection = signal<ConnectionState>('idle');
  // Newest event seq applied; null until the first hello. Not a signal: nothing renders it.
  let lastSeq: number | null = null;

  // Ticks so relative times ("3 min ago") stay true without a reload.
  const now = signal(Date.now());

  const failingMailboxes = computed(() => mailboxes.value.filter((m) => FAILING_STATES.has(m.state)));

  const freshTimers = new Map<number, ReturnType<typeof setTimeout>>();

  function flash(id: number): void {
    const prev = freshTimers.get(id);
    if (prev !== undefined) clearTimeout(prev);
    fresh.value = new Set(fresh.value).add(id);
    freshTimers.set(
      id,
      setTimeout(() => {
        freshTimers.delete(id);
        const next = new Set(fresh.value);
        next.delete(id);
        fresh.value = next;
      }, FRESH_MS),
    );
  }

  /** Forget everything the signed-in user could see, e.g. on sign-out. */
  function resetForSignOut(): void {
    for (const t of freshTimers.values()) clearTimeout(t);
    freshTimers.clear();
    batch(() => {
      threads.value = [];
      nextCursor.value = null;
      listState.value = 'idle';
      listError.value = null;
      loadingMore.value = false;
      fresh.value = new Set();
      selectedId.value = null;
      detail.value = null;
      connection.value = 'idle';
      mailboxes.value = [];
    });
    lastSeq = null;
  }

  return {
    session,
    mailConfigured,
    healthStatus,
    needsAdmin,
    mailboxes,
    failingMailboxes,
    threads,
    nextCursor,
    listState,
    listError,
    loadingMore,
    fresh,
    selectedId,
    detail,
    connection,
    now,
    get lastSeq(): number | null {
      return lastSeq;
    },
    set lastSeq(v: number | null) {
      lastSeq = v;
    },
    flash,
    resetForSignOut,
  };
}

export type Store = ReturnType<typeof createStore>;

// ---- Pure helpers: the store's invariants, kept testable without a DOM. ----

function byActivityDesc(a: ThreadSummary, b: ThreadSummary): number {
  const d = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  // Ties broken by id so the order is stable across refetches and upserts.
  return d !== 0 ? d : b.id - a.id;
}

/** Insert or replace one thread, keeping newest-activity-first order. */
export function upsertThread(list: readonly ThreadSummary[], thread: ThreadSummary): ThreadSummary[] {
  const next = list.filter((t) => t.id !== thread.id);
  next.push(thread);
  return next.sort(byActivityDesc);
}

/** Merge a page (or snapshot) into the list; the incoming copy wins for ids present in both. */
export function mergeThreads(
  list: readonly ThreadSummary[],
  page: readonly ThreadSummary[],
): ThreadSummary[] {
  const byId = new Map<number, ThreadSummary>();
  for (const t of list) byId.set(t.id, t);
  for (const t of page) byId.set(t.id, t);
  return [...byId.values()].sort(byActivityDesc);
}

/** Append messages not yet present (by id), keeping the existing order first. */
export function appendMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  const seen = new Set(existing.map((m) => m.id));
  const out = [...existing];
  for (const m of incoming) {
    if (!seen.has(m.id)) {
      seen.add(m.id);
      out.push(m);
    }
  }
  return out;
}

export function mergeMailbox(list: readonly MailboxStatus[], progress: SyncProgress): MailboxStatus[] {
  const next: MailboxStatus = {
    address: progress.address,
    state: progress.state,
    fetched: progress.fetched,
    total: progress.total,
    // A progress event without lastError means the mailbox recovered: drop the old error.
    lastError: progress.lastError,
  };
  const i = list.findIndex((m) => m.address === progress.address);
  if (i === -1) return [...list, next];
  const out = [...list];
  out[i] = next;
  return out;
}
