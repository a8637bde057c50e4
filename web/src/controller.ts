import { batch, effect } from '@preact/signals';
import { sameFilter, type ListFilter } from './filter.ts';
import { applyDocumentLanguage, translator, type MessageKey } from './i18n/index.ts';
import { ApiError, createApi, type Api } from './net/api.ts';
import { createEventSink } from './net/apply-event.ts';
import { createConnection, type Connection } from './net/connection.ts';
import { createSettingsActions } from './settings-actions.ts';
import { appendMessages, isUnread, mergeThreads, upsertThread, type Route, type Store } from './store.ts';
import type { ThreadPatchBody, ThreadSummary, UiLanguage, User } from './types.ts';

// The first page comes fast; the rest of the view follows in larger pages in the background, so
// keyboard moves, sorting and live filtering work over the whole list (it is virtualised).
const FIRST_PAGE = 100;
const NEXT_PAGE = 200;
// Beyond this many rows, further pages load as the officer scrolls near the end.
const BACKGROUND_LIMIT = 10_000;
// If the socket has not said hello by then, show the list anyway; the hello will refresh it.
const LIST_FALLBACK_MS = 3000;
const COUNTS_DEBOUNCE_MS = 800;
const SEARCH_DEBOUNCE_MS = 150;
const LANGUAGE_KEY = 'newsdesk.language';

function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.message : translator('en')('common.error');
}

/** The officer's last choice in this browser, so a signed-in reload does not flash another language. */
function storedLanguage(): UiLanguage | null {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    return stored === 'ar' || stored === 'en' ? stored : null;
  } catch {
    return null;
  }
}

/** Before anyone signs in, the page speaks the browser's language: Arabic for any ar* locale. */
function browserLanguage(): UiLanguage {
  const tag = typeof navigator === 'undefined' ? '' : (navigator.language ?? '');
  return /^ar(?:-|$)/i.test(tag) ? 'ar' : 'en';
}

/**
 * User intents and HTTP loads. Server *events* never come through here: they go straight from the
 * connection to apply-event.ts.
 */
export function createController(store: Store, apiOverride?: Api) {
  const api = apiOverride ?? createApi({ onUnauthorized: () => signedOut('login.sessionEnded') });

  const settings = createSettingsActions(store, api);
  let connection: Connection | null = null;
  let fallbackTimer: ReturnType<typeof setTimeout> | undefined;
  let clock: ReturnType<typeof setInterval> | undefined;
  let countsTimer: ReturnType<typeof setTimeout> | undefined;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let searchAbort: AbortController | null = null;
  // Bumped whenever the list is reloaded, so a background page from an older filter is discarded.
  let listGeneration = 0;

  const sink = createEventSink({
    store,
    loadSnapshot: () => loadFirstPage(),
    openThread: (id) => void openThread(id),
    onHello: () => sendPresence(),
    onThreadsChanged: () => scheduleCounts(),
    onNewThread: (thread) => notifyNewThread(thread),
  });

  store.language.value = storedLanguage() ?? browserLanguage();
  applyDocumentLanguage(store.language.value);
  effect(() => applyDocumentLanguage(store.language.value));

  // The tab title counts enquiries this officer has not read yet.
  effect(() => {
    const unread = store.counts.value?.unread ?? store.threads.value.filter(isUnread).length;
    const name = translator(store.language.value)('app.name');
    document.title = unread > 0 ? `(${unread}) ${name}` : name;
  });

  // Presence follows what this tab shows: the open thread and whether a reply is being written.
  effect(() => {
    void store.detail.value?.threadId;
    void store.composing.value;
    sendPresence();
  });

  function sendPresence(): void {
    connection?.send({
      type: 'presence',
      threadId: store.detail.value?.threadId ?? null,
      composing: store.composing.value,
    });
  }

  async function refreshHealth(): Promise<void> {
    try {
      const h = await api.health();
      batch(() => {
        store.mailConfigured.value = h.mailConfigured;
        store.healthStatus.value = h.status;
        store.needsAdmin.value = h.needsAdmin;
        // Keep live progress numbers we already have; health only knows state and error.
        const key = (m: { address: string; kind?: string | undefined }) =>
          `${m.kind ?? 'incoming'} ${m.address}`;
        const known = new Map(store.mailboxes.value.map((m) => [key(m), m]));
        store.mailboxes.value = h.mailboxes.map((m) => ({
          ...known.get(key(m)),
          ...m,
          lastError: m.lastError,
        }));
      });
    } catch {
      // Health is advisory; the list and connection indicator still tell the user what works.
    }
  }

  async function refreshCounts(): Promise<void> {
    try {
      store.counts.value = await api.counts();
    } catch {
      // Counts are a convenience; the list itself is the truth.
    }
  }

  function scheduleCounts(): void {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(() => void refreshCounts(), COUNTS_DEBOUNCE_MS);
  }

  async function refreshReleases(): Promise<void> {
    try {
      store.releases.value = (await api.releases()).releases;
    } catch {
      // The sidebar shows no releases until the next refresh.
    }
  }

  async function loadProfile(user: User): Promise<void> {
    try {
      const me = await api.me();
      batch(() => {
        store.me.value = me;
        store.language.value = me.language;
      });
      try {
        localStorage.setItem(LANGUAGE_KEY, me.language);
      } catch {
        // Private mode: the server still remembers.
      }
    } catch {
      store.me.value = {
        ...user,
        language: store.language.value,
        signature: '',
        canApprove: false,
        officeTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      };
    }
    try {
      store.users.value = (await api.users()).users;
    } catch {
      store.users.value = [{ id: user.id, name: user.name, email: user.email, role: user.role }];
    }
  }

  async function loadRestInBackground(generation: number): Promise<void> {
    while (
      generation === listGeneration &&
      store.nextCursor.value &&
      store.threads.value.length < BACKGROUND_LIMIT
    ) {
      const ok = await loadPage(generation, NEXT_PAGE);
      if (!ok) return;
    }
  }

  /** One more page of the current view; false when it failed or the view changed meanwhile. */
  async function loadPage(generation: number, limit: number): Promise<boolean> {
    const cursor = store.nextCursor.value;
    if (!cursor) return false;
    try {
      const page = await api.threads({ limit, cursor, filter: store.filter.value });
      if (generation !== listGeneration) return false;
      batch(() => {
        store.threads.value = mergeThreads(store.threads.value, page.threads);
        store.nextCursor.value = page.nextCursor;
        store.listError.value = null;
      });
      return true;
    } catch (err) {
      if (generation === listGeneration) store.listError.value = messageOf(err);
      return false;
    }
  }

  async function loadFirstPage(): Promise<void> {
    clearTimeout(fallbackTimer);
    const generation = ++listGeneration;
    // Keep showing the old rows during a refresh instead of flashing a spinner.
    if (store.threads.value.length === 0) store.listState.value = 'loading';
    try {
      const page = await api.threads({ limit: FIRST_PAGE, filter: store.filter.value });
      if (generation !== listGeneration) return;
      batch(() => {
        store.threads.value = mergeThreads([], page.threads);
        store.nextCursor.value = page.nextCursor;
        store.listState.value = 'ready';
        store.listError.value = null;
      });
    } catch (err) {
      if (generation !== listGeneration) return;
      batch(() => {
        store.listState.value = store.threads.value.length > 0 ? 'ready' : 'error';
        store.listError.value = messageOf(err);
      });
      throw err;
    }
    void refreshCounts();
    void loadRestInBackground(generation);
  }

  async function markRead(id: number): Promise<void> {
    const t = store.threads.value.find((x) => x.id === id) ?? store.detail.value?.thread;
    if (t && !isUnread(t)) return;
    try {
      const { readAt } = await api.markRead(id);
      batch(() => {
        store.threads.value = store.threads.value.map((x) => (x.id === id ? { ...x, readAt } : x));
        const d = store.detail.value;
        if (d?.thread && d.threadId === id) store.detail.value = { ...d, thread: { ...d.thread, readAt } };
      });
      scheduleCounts();
    } catch {
      // Unread state is per officer and harmless to leave as it was.
    }
  }

  async function openThread(id: number): Promise<void> {
    const summary = store.threads.value.find((t) => t.id === id) ?? null;
    const prev = store.detail.value;
    // Re-opening the same thread refreshes it in place instead of blanking what is on screen.
    const same = prev?.threadId === id;
    // What was on screen before this load: anything else arrived over the socket meanwhile.
    const before = new Set(same ? prev.messages.map((m) => m.id) : []);
    batch(() => {
      store.selectedId.value = id;
      store.cursorId.value = id;
      store.composing.value = false;
      store.detail.value = {
        threadId: id,
        status: 'loading',
        thread: same ? (prev.thread ?? summary) : summary,
        messages: same ? prev.messages : [],
        notes: same ? prev.notes : [],
        version: same ? prev.version : null,
        error: null,
      };
    });
    try {
      const res = await api.thread(id);
      const d = store.detail.value;
      if (!d || d.threadId !== id) return; // the user moved on
      // Messages that arrived over the socket while we were loading are kept, without duplicates;
      // ones shown before the load but no longer in the thread (split off, moved) are dropped.
      store.detail.value = {
        ...d,
        status: 'ready',
        thread: res.thread,
        messages: appendMessages(
          res.messages,
          d.messages.filter((m) => !before.has(m.id)),
        ),
        notes: [
          ...(res.notes ?? []),
          ...d.notes.filter((n) => !(res.notes ?? []).some((m) => m.id === n.id)),
        ],
        version: res.version ?? null,
      };
      void markRead(id);
    } catch (err) {
      const d = store.detail.value;
      if (d && d.threadId === id) store.detail.value = { ...d, status: 'error', error: messageOf(err) };
    }
  }

  /** A thread the server just answered with: shown at once, before its event arrives. */
  function applyThread(thread: ThreadSummary): void {
    batch(() => {
      store.threads.value = upsertThread(store.threads.value, thread);
      const d = store.detail.value;
      if (d && d.threadId === thread.id) {
        const readAt = thread.readAt ?? d.thread?.readAt;
        store.detail.value = { ...d, thread: { ...thread, ...(readAt !== undefined ? { readAt } : {}) } };
      }
    });
    scheduleCounts();
  }

  /** Runs an action; a failure is reported in `actionError` for the thread view to show. */
  async function act<T>(run: () => Promise<T>): Promise<T | undefined> {
    store.actionError.value = null;
    try {
      return await run();
    } catch (err) {
      store.actionError.value = messageOf(err);
      return undefined;
    }
  }

  function isThread(value: unknown): value is ThreadSummary {
    return (
      typeof value === 'object' && value !== null && 'id' in value && 'status' in value && 'subject' in value
    );
  }

  function notifyNewThread(thread: ThreadSummary): void {
    if (store.notifications.value !== 'on' || typeof Notification === 'undefined') return;
    // Only mail that is really new, not a replay after a reconnect, and only when the tab is away.
    if (Date.now() - Date.parse(thread.firstMessageAt) > 5 * 60_000 || !document.hidden) return;
    const t = translator(store.language.value);
    const n = new Notification(t('notify.newEnquiry'), {
      body: `${thread.correspondent?.name ?? thread.correspondent?.email ?? ''}: ${thread.subject}`,
      tag: `thread-${thread.id}`,
    });
    n.onclick = () => {
      window.focus();
      void openThread(thread.id);
    };
  }

  function enterApp(user: User): void {
    store.session.value = { kind: 'signed-in', user };
    void refreshHealth();
    void loadProfile(user);
    void refreshReleases();
    connection?.close();
    connection = createConnection({
      lastSeq: () => store.lastSeq,
      onMessage: sink,
      onState: (s) => {
        store.connection.value = s;
        // Mailbox states may have changed while we were away.
        if (s === 'live') void refreshHealth();
      },
      onUnauthorized: () => signedOut('login.sessionEnded'),
    });
    connection.start();
    fallbackTimer = setTimeout(() => {
      if (store.listState.value === 'idle') void loadFirstPage().catch(() => {});
    }, LIST_FALLBACK_MS);
    clearInterval(clock);
    clock = setInterval(() => (store.now.value = Date.now()), 30_000);
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      try {
        if (localStorage.getItem('newsdesk.notify') === 'on') store.notifications.value = 'on';
      } catch {
        // No storage: notifications stay off until asked again.
      }
    }
  }

  function signedOut(noticeKey?: MessageKey): void {
    connection?.close();
    connection = null;
    clearTimeout(fallbackTimer);
    clearTimeout(countsTimer);
    clearInterval(clock);
    listGeneration++;
    store.resetForSignOut();
    // The sign-in page is for whoever comes next: it speaks the browser's language.
    store.language.value = browserLanguage();
    store.session.value = noticeKey
      ? { kind: 'signed-out', notice: translator(store.language.value)(noticeKey) }
      : { kind: 'signed-out' };
  }

  return {
    store,
    sink,
    api,
    async boot(): Promise<void> {
      void refreshHealth();
      try {
        const user = await api.getSession();
        if (user) enterApp(user);
        else {
          store.language.value = browserLanguage();
          store.session.value = { kind: 'signed-out' };
        }
      } catch (err) {
        store.language.value = browserLanguage();
        store.session.value = { kind: 'signed-out', notice: messageOf(err) };
      }
    },

    /** Rejects with an ApiError whose message the form shows as it is. */
    async signIn(email: string, password: string): Promise<void> {
      const user = await api.signIn(email, password);
      enterApp(user);
    },

    async signOut(): Promise<void> {
      connection?.close();
      try {
        await api.signOut();
      } catch {
        // Even if the server did not hear us, this tab must stop showing the inbox.
      }
      signedOut();
    },

    async loadMore(): Promise<void> {
      if (!store.nextCursor.value || store.loadingMore.value) return;
      store.loadingMore.value = true;
      try {
        await loadPage(listGeneration, NEXT_PAGE);
      } finally {
        store.loadingMore.value = false;
      }
    },

    retryList(): Promise<void> {
      return loadFirstPage().catch(() => {});
    },

    /** Shows another view or narrows the list; the list is fetched again for it. */
    setFilter(next: ListFilter): void {
      if (sameFilter(next, store.filter.value) && store.route.value === 'inbox') return;
      batch(() => {
        store.filter.value = next;
        store.route.value = 'inbox';
        store.threads.value = [];
        store.nextCursor.value = null;
        store.listState.value = 'loading';
        store.cursorId.value = null;
      });
      void loadFirstPage().catch(() => {});
    },

    go(route: Route): void {
      store.route.value = route;
      if (route === 'settings') void settings.load();
      if (route === 'releases') {
        void refreshReleases();
        void api
          .releaseStats()
          .then((s) => (store.releaseStats.value = s.releases))
          .catch(() => {});
      }
    },

    openThread,

    settings,

    closeThread(): void {
      batch(() => {
        store.selectedId.value = null;
        store.detail.value = null;
        store.composing.value = false;
      });
    },

    async setLanguage(language: UiLanguage): Promise<void> {
      store.language.value = language;
      try {
        localStorage.setItem(LANGUAGE_KEY, language);
      } catch {
        // Kept for this tab only.
      }
      const me = await act(() => api.setLanguage(language));
      if (me) store.me.value = me;
    },

    async patchThread(id: number, body: ThreadPatchBody): Promise<void> {
      const thread = await act(() => api.patchThread(id, body));
      if (isThread(thread)) applyThread(thread);
    },

    async claim(id: number): Promise<void> {
      const thread = await act(() => api.claim(id));
      if (isThread(thread)) applyThread(thread);
    },

    async setDeadline(id: number, deadline: string | null): Promise<void> {
      const thread = await act(() => api.setDeadline(id, deadline));
      if (isThread(thread)) applyThread(thread);
    },

    async addNote(id: number, body: string): Promise<boolean> {
      const note = await act(() => api.addNote(id, body));
      if (!note) return false;
      const d = store.detail.value;
      if (d && d.threadId === id && !d.notes.some((n) => n.id === note.id))
        store.detail.value = { ...d, notes: [...d.notes, note] };
      return true;
    },

    async merge(id: number, intoThreadId: number): Promise<boolean> {
      const done = await act(async () => {
        await api.merge(id, intoThreadId);
        return true;
      });
      if (!done) return false;
      batch(() => {
        store.threads.value = store.threads.value.filter((t) => t.id !== id);
      });
      void openThread(intoThreadId);
      return true;
    },

    async split(messageId: number): Promise<void> {
      const res = await act(() => api.split(messageId));
      const thread = isThread(res) ? res : res && isThread(res.thread) ? res.thread : null;
      const open = store.detail.value?.threadId;
      if (open !== undefined) void openThread(open);
      if (thread) applyThread(thread);
    },

    /** Results as you type: debounced, and an older request never overwrites a newer one. */
    search(query: string): void {
      clearTimeout(searchTimer);
      searchAbort?.abort();
      const q = query.trim();
      if (!q) {
        store.search.value = { query, status: 'idle', results: [] };
        return;
      }
      store.search.value = { ...store.search.value, query, status: 'searching' };
      searchTimer = setTimeout(() => {
        const abort = new AbortController();
        searchAbort = abort;
        api.search(q, abort.signal).then(
          (res) => {
            if (!abort.signal.aborted) store.search.value = { query, status: 'ready', results: res.results };
          },
          () => {
            if (!abort.signal.aborted) store.search.value = { query, status: 'error', results: [] };
          },
        );
      }, SEARCH_DEBOUNCE_MS);
    },

    setComposing(composing: boolean): void {
      store.composing.value = composing;
    },

    async enableNotifications(): Promise<void> {
      if (typeof Notification === 'undefined') return;
      const permission = await Notification.requestPermission();
      store.notifications.value = permission === 'granted' ? 'on' : 'denied';
      try {
        localStorage.setItem('newsdesk.notify', permission === 'granted' ? 'on' : 'off');
      } catch {
        // Remembered for this tab only.
      }
    },

    disableNotifications(): void {
      store.notifications.value = 'off';
      try {
        localStorage.setItem('newsdesk.notify', 'off');
      } catch {
        // Remembered for this tab only.
      }
    },
  };
}

export type Controller = ReturnType<typeof createController>;
