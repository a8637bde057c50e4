import { batch } from '@preact/signals';
import { ApiError, createApi, type Api } from './net/api.ts';
import { createEventSink } from './net/apply-event.ts';
import { createConnection, type Connection } from './net/connection.ts';
import { appendMessages, mergeThreads, type Store } from './store.ts';
import type { User } from './types.ts';

const PAGE_SIZE = 50;
// If the socket has not said hello by then, show the list anyway; the hello will refresh it.
const LIST_FALLBACK_MS = 3000;

function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.message : 'Something went wrong. Please try again.';
}

/**
 * User intents and HTTP loads. Server *events* never come through here: they go straight from the
 * connection to apply-event.ts.
 */
export function createController(store: Store, apiOverride?: Api) {
  const api =
    apiOverride ??
    createApi({ onUnauthorized: () => signedOut('Your session has ended. Please sign in again.') });

  const sink = createEventSink({
    store,
    loadSnapshot: () => loadFirstPage(),
    openThread: (id) => void openThread(id),
  });
  let connection: Connection | null = null;
  let fallbackTimer: ReturnType<typeof setTimeout> | undefined;
  let clock: ReturnType<typeof setInterval> | undefined;

  async function refreshHealth(): Promise<void> {
    try {
      const h = await api.health();
      batch(() => {
        store.mailConfigured.value = h.mailConfigured;
        store.healthStatus.value = h.status;
        store.needsAdmin.value = h.needsAdmin;
        // Keep live progress numbers we already have; health only knows state and error.
        const known = new Map(store.mailboxes.value.map((m) => [m.address, m]));
        store.mailboxes.value = h.mailboxes.map((m) => ({
          ...known.get(m.address),
          ...m,
          lastError: m.lastError,
        }));
      });
    } catch {
      // Health is advisory; the list and connection indicator still tell the user what works.
    }
  }

  async function loadFirstPage(): Promise<void> {
    clearTimeout(fallbackTimer);
    // Keep showing the old rows during a refresh instead of flashing a spinner.
    if (store.threads.value.length === 0) store.listState.value = 'loading';
    try {
      const page = await api.threads({ limit: PAGE_SIZE });
      batch(() => {
        store.threads.value = mergeThreads([], page.threads);
        store.nextCursor.value = page.nextCursor;
        store.listState.value = 'ready';
        store.listError.value = null;
      });
    } catch (err) {
      batch(() => {
        store.listState.value = store.threads.value.length > 0 ? 'ready' : 'error';
        store.listError.value = messageOf(err);
      });
      throw err;
    }
  }

  async function openThread(id: number): Promise<void> {
    const summary = store.threads.value.find((t) => t.id === id) ?? null;
    const prev = store.detail.value;
    // Re-opening the same thread refreshes it in place instead of blanking what is on screen.
    const kept = prev?.threadId === id ? prev.messages : [];
    batch(() => {
      store.selectedId.value = id;
      store.detail.value = { threadId: id, status: 'loading', thread: summary, messages: kept, error: null };
    });
    try {
      const res = await api.thread(id);
      const d = store.detail.value;
      if (!d || d.threadId !== id) return; // the user moved on
      // Messages that arrived over the socket while we were loading are kept, without duplicates.
      store.detail.value = {
        ...d,
        status: 'ready',
        thread: res.thread,
        messages: appendMessages(res.messages, d.messages),
      };
    } catch (err) {
      const d = store.detail.value;
      if (d && d.threadId === id) store.detail.value = { ...d, status: 'error', error: messageOf(err) };
    }
  }

  function enterApp(user: User): void {
    store.session.value = { kind: 'signed-in', user };
    void refreshHealth();
    connection?.close();
    connection = createConnection({
      lastSeq: () => store.lastSeq,
      onMessage: sink,
      onState: (s) => {
        store.connection.value = s;
        // Mailbox states may have changed while we were away.
        if (s === 'live') void refreshHealth();
      },
      onUnauthorized: () => signedOut('Your session has ended. Please sign in again.'),
    });
    connection.start();
    fallbackTimer = setTimeout(() => {
      if (store.listState.value === 'idle') void loadFirstPage().catch(() => {});
    }, LIST_FALLBACK_MS);
    clearInterval(clock);
    clock = setInterval(() => (store.now.value = Date.now()), 30_000);
  }

  function signedOut(notice?: string): void {
    connection?.close();
    connection = null;
    clearTimeout(fallbackTimer);
    clearInterval(clock);
    store.resetForSignOut();
    store.session.value = notice ? { kind: 'signed-out', notice } : { kind: 'signed-out' };
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
        else store.session.value = { kind: 'signed-out' };
      } catch (err) {
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
      const cursor = store.nextCursor.value;
      if (!cursor || store.loadingMore.value) return;
      store.loadingMore.value = true;
      try {
        const page = await api.threads({ limit: PAGE_SIZE, cursor });
        batch(() => {
          store.threads.value = mergeThreads(store.threads.value, page.threads);
          store.nextCursor.value = page.nextCursor;
          store.listError.value = null;
        });
      } catch (err) {
        store.listError.value = messageOf(err);
      } finally {
        store.loadingMore.value = false;
      }
    },

    retryList(): Promise<void> {
      return loadFirstPage().catch(() => {});
    },

    openThread,

    closeThread(): void {
      batch(() => {
        store.selectedId.value = null;
        store.detail.value = null;
      });
    },
  };
}

export type Controller = ReturnType<typeof createController>;
