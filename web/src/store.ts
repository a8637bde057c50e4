import { batch, computed, signal } from '@preact/signals';
import type { ListFilter } from './filter.ts';
import type {
  Health,
  Me,
  Message,
  Note,
  PresenceViewer,
  Release,
  ReleaseStats,
  ReplySettings,
  SavedReply,
  SearchResults,
  SyncProgress,
  ThreadCounts,
  ThreadSummary,
  UiLanguage,
  User,
} from './types.ts';

export interface StaffUser {
  id: number;
  name: string;
  email: string;
  role: string;
  // May approve replies when sign-off is required (absent when only the session user is known).
  canApprove?: boolean;
}

export interface SearchState {
  query: string;
  status: 'idle' | 'searching' | 'ready' | 'error';
  results: SearchResults['results'];
}

export type Route = 'inbox' | 'releases' | 'settings';

export type SessionState =
  { kind: 'checking' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; user: User };

/** `live` only once the server's hello arrived: an open socket alone does not mean we are caught up. */
export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline' | 'stopped';

export interface MailboxStatus {
  address: string;
  /** 'outgoing': the health entry for sending replies, not a mailbox being read. */
  kind?: 'incoming' | 'outgoing' | undefined;
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
  notes: Note[];
  /** The newest event seq about this thread when loaded (a reply sends it back as basedOnVersion). */
  version: number | null;
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

  // Always in inbox order (see compareThreads), ids unique (see upsertThread / mergeThreads).
  const threads = signal<ThreadSummary[]>([]);
  const nextCursor = signal<string | null>(null);
  const listState = signal<LoadState>('idle');
  const listError = signal<string | null>(null);
  const loadingMore = signal(false);

  const fresh = signal<ReadonlySet<number>>(new Set());
  const selectedId = signal<number | null>(null);
  const detail = signal<DetailState | null>(null);

  const connection = signal<ConnectionState>('idle');

  // The signed-in officer's profile and the triage board around the list.
  const me = signal<Me | null>(null);
  const language = signal<UiLanguage>('en');
  const users = signal<StaffUser[]>([]);
  const counts = signal<ThreadCounts | null>(null);
  const filter = signal<ListFilter>({ view: 'all' });
  const route = signal<Route>('inbox');
  // Who is on which thread now (ephemeral presence from the websocket; no seq).
  const presence = signal<ReadonlyMap<number, PresenceViewer[]>>(new Map());
  const releases = signal<Release[]>([]);
  const releaseStats = signal<ReleaseStats['releases'] | null>(null);
  const search = signal<SearchState>({ query: '', status: 'idle', results: [] });
  // The settings screen: saved replies (general, plus the lines to take of `savedRepliesRelease`)
  // and the office's reply settings (admins edit them; null until loaded).
  const savedReplies = signal<SavedReply[]>([]);
  const savedRepliesRelease = signal<number | null>(null);
  const replySettings = signal<ReplySettings | null>(null);
  // The keyboard cursor in the list (j/k), apart from the thread that is open.
  const cursorId = signal<number | null>(null);
  const helpOpen = signal(false);
  const notifications = signal<'off' | 'on' | 'denied'>('off');
  // This tab is writing a reply on the open thread (shared with colleagues as presence).
  const composing = signal(false);
  // Bumped to ask the thread view to focus its status menu (keyboard `s`).
  const statusMenuRequest = signal(0);
  // The last action on a thread that failed, shown in the thread view until the next action.
  const actionError = signal<string | null>(null);
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
      me.value = null;
      users.value = [];
      counts.value = null;
      filter.value = { view: 'all' };
      route.value = 'inbox';
      presence.value = new Map();
      releases.value = [];
      releaseStats.value = null;
      search.value = { query: '', status: 'idle', results: [] };
      savedReplies.value = [];
      savedRepliesRelease.value = null;
      replySettings.value = null;
      cursorId.value = null;
      helpOpen.value = false;
      composing.value = false;
      actionError.value = null;
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
    me,
    language,
    users,
    counts,
    filter,
    route,
    presence,
    releases,
    releaseStats,
    search,
    savedReplies,
    savedRepliesRelease,
    replySettings,
    cursorId,
    helpOpen,
    notifications,
    composing,
    statusMenuRequest,
    actionError,
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

const ACTIVE = new Set(['new', 'open', 'waiting']);

/** The deadline that orders a thread: none once it is answered or closed. */
function sortDeadline(t: ThreadSummary): number | null {
  return t.deadline && ACTIVE.has(t.status) ? Date.parse(t.deadline) : null;
}

/**
 * Inbox order, the same as the server's (server/domain/thread-order.ts): active deadlines first,
 * soonest first; then latest activity first; ties by the higher id so the order is stable.
 */
export function compareThreads(a: ThreadSummary, b: ThreadSummary): number {
  const da = sortDeadline(a);
  const db = sortDeadline(b);
  if (da !== null && db === null) return -1;
  if (da === null && db !== null) return 1;
  if (da !== null && db !== null && da !== db) return da - db;
  const d = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  return d !== 0 ? d : b.id - a.id;
}

/** Unread for this officer: inbound mail after they last opened it. */
export function isUnread(t: ThreadSummary): boolean {
  if (!t.lastInboundAt) return false;
  return !t.readAt || Date.parse(t.lastInboundAt) > Date.parse(t.readAt);
}

/** Events carry no `readAt` (it is per officer): keep the one we have. */
function withReadState(incoming: ThreadSummary, existing: ThreadSummary | undefined): ThreadSummary {
  return incoming.readAt === undefined && existing?.readAt !== undefined
    ? { ...incoming, readAt: existing.readAt }
    : incoming;
}

/** Insert or replace one thread, keeping inbox order (a binary insert: lists hold 10,000 rows). */
export function upsertThread(list: readonly ThreadSummary[], thread: ThreadSummary): ThreadSummary[] {
  const existing = list.find((t) => t.id === thread.id);
  const next = existing ? list.filter((t) => t.id !== thread.id) : [...list];
  const merged = withReadState(thread, existing);
  let lo = 0;
  let hi = next.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareThreads(next[mid]!, merged) < 0) lo = mid + 1;
    else hi = mid;
  }
  next.splice(lo, 0, merged);
  return next;
}

/** Drop one thread from the list (it left the current filter, or was merged away). */
export function removeThread(list: readonly ThreadSummary[], id: number): ThreadSummary[] {
  return list.some((t) => t.id === id) ? list.filter((t) => t.id !== id) : (list as ThreadSummary[]);
}

/** Merge a page (or snapshot) into the list; the incoming copy wins for ids present in both. */
export function mergeThreads(
  list: readonly ThreadSummary[],
  page: readonly ThreadSummary[],
): ThreadSummary[] {
  const byId = new Map<number, ThreadSummary>();
  for (const t of list) byId.set(t.id, t);
  for (const t of page) byId.set(t.id, withReadState(t, byId.get(t.id)));
  return [...byId.values()].sort(compareThreads);
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
  // Progress is about reading a mailbox; the outgoing entry may share its address.
  const i = list.findIndex((m) => m.address === progress.address && m.kind !== 'outgoing');
  if (i === -1) return [...list, next];
  const out = [...list];
  out[i] = next;
  return out;
}
