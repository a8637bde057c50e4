import { filterQuery, type ListFilter } from '../filter.ts';
import type { StaffUser } from '../store.ts';
import type {
  Health,
  Me,
  MessageHtmlInfo,
  Note,
  Release,
  ReleaseStats,
  ReplySettings,
  SavedReply,
  SavedReplyInput,
  SavedReplyPatch,
  SearchResults,
  ThreadCounts,
  ThreadDetail,
  ThreadList,
  ThreadPatchBody,
  ThreadSummary,
  UiLanguage,
  User,
} from '../types.ts';

const id = (n: number): string => encodeURIComponent(String(n));

/** Every failed call becomes one of these; `message` is fit to show a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiOptions {
  /** Called when a signed-in call answers 401: the session expired or was revoked elsewhere. */
  onUnauthorized?: () => void;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createApi(opts: ApiOptions = {}) {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = opts.timeoutMs ?? 20_000;

  async function request<T>(
    method: string,
    path: string,
    { body, expectAuth = true, signal }: { body?: unknown; expectAuth?: boolean; signal?: AbortSignal } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    // Only send a content type with a body: Fastify rejects an empty body declared as JSON.
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
      throw new ApiError(
        0,
        timedOut ? 'timeout' : 'network',
        timedOut ? 'The server took too long to answer.' : 'Cannot reach the Newsdesk server.',
      );
    }
    if (res.status === 204) return undefined as T;
    const data: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      if (res.status === 401 && expectAuth) opts.onUnauthorized?.();
      const e = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      throw new ApiError(
        res.status,
        typeof e?.code === 'string' ? e.code : `http_${res.status}`,
        typeof e?.message === 'string' ? e.message : `The server answered ${res.status} ${res.statusText}.`,
      );
    }
    return data as T;
  }

  return {
    /** Resolves to null when nobody is signed in (401), rather than treating that as an error. */
    async getSession(): Promise<User | null> {
      try {
        return (await request<{ user: User }>('GET', '/api/session', { expectAuth: false })).user;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    async signIn(email: string, password: string): Promise<User> {
      return (
        await request<{ user: User }>('POST', '/api/session', {
          body: { email, password },
          expectAuth: false,
        })
      ).user;
    },
    async signOut(): Promise<void> {
      await request<unknown>('DELETE', '/api/session', { expectAuth: false });
    },
    health(): Promise<Health> {
      return request<Health>('GET', '/api/health', { expectAuth: false });
    },
    threads(
      params: { limit?: number; cursor?: string | null; filter?: ListFilter } = {},
    ): Promise<ThreadList> {
      const q = new URLSearchParams({
        limit: String(params.limit ?? 50),
        ...(params.filter ? filterQuery(params.filter) : {}),
      });
      if (params.cursor) q.set('cursor', params.cursor);
      return request<ThreadList>('GET', `/api/threads?${q.toString()}`);
    },
    counts(): Promise<ThreadCounts> {
      return request<ThreadCounts>('GET', '/api/threads/counts');
    },
    patchThread(threadId: number, body: ThreadPatchBody): Promise<ThreadSummary> {
      return request<ThreadSummary>('PATCH', `/api/threads/${id(threadId)}`, { body });
    },
    claim(threadId: number): Promise<ThreadSummary> {
      return request<ThreadSummary>('POST', `/api/threads/${id(threadId)}/claim`, { body: {} });
    },
    setDeadline(threadId: number, deadline: string | null): Promise<ThreadSummary> {
      return request<ThreadSummary>('PUT', `/api/threads/${id(threadId)}/deadline`, { body: { deadline } });
    },
    addNote(threadId: number, body: string): Promise<Note> {
      return request<Note>('POST', `/api/threads/${id(threadId)}/notes`, { body: { body } });
    },
    markRead(threadId: number): Promise<{ threadId: number; readAt: string }> {
      return request('POST', `/api/threads/${id(threadId)}/read`, { body: {} });
    },
    merge(threadId: number, intoThreadId: number): Promise<unknown> {
      return request('POST', `/api/threads/${id(threadId)}/merge`, { body: { intoThreadId } });
    },
    split(messageId: number): Promise<{ thread?: ThreadSummary } | ThreadSummary> {
      return request('POST', `/api/messages/${id(messageId)}/split`, { body: {} });
    },
    search(q: string, signal?: AbortSignal): Promise<SearchResults> {
      const params = new URLSearchParams({ q, limit: '20' });
      return request<SearchResults>('GET', `/api/search?${params.toString()}`, signal ? { signal } : {});
    },
    users(): Promise<{ users: StaffUser[] }> {
      return request<{ users: StaffUser[] }>('GET', '/api/users');
    },
    me(): Promise<Me> {
      return request<Me>('GET', '/api/me');
    },
    setLanguage(language: UiLanguage): Promise<Me> {
      return request<Me>('PATCH', '/api/me', { body: { language } });
    },
    setSignature(signature: string): Promise<Me> {
      return request<Me>('PATCH', '/api/me', { body: { signature } });
    },
    /** General saved replies; with a release, that release's lines to take come too. */
    savedReplies(releaseId?: number): Promise<{ savedReplies: SavedReply[] }> {
      const q = releaseId ? `?releaseId=${id(releaseId)}` : '';
      return request<{ savedReplies: SavedReply[] }>('GET', `/api/saved-replies${q}`);
    },
    createSavedReply(body: SavedReplyInput): Promise<SavedReply> {
      return request<SavedReply>('POST', '/api/saved-replies', { body });
    },
    updateSavedReply(savedId: number, body: SavedReplyPatch): Promise<SavedReply> {
      return request<SavedReply>('PATCH', `/api/saved-replies/${id(savedId)}`, { body });
    },
    deleteSavedReply(savedId: number): Promise<void> {
      return request<void>('DELETE', `/api/saved-replies/${id(savedId)}`);
    },
    replySettings(): Promise<ReplySettings> {
      return request<ReplySettings>('GET', '/api/reply-settings');
    },
    /** Admins only; omitted fields stay as they are. */
    saveReplySettings(body: Partial<ReplySettings>): Promise<ReplySettings> {
      return request<ReplySettings>('PUT', '/api/reply-settings', { body });
    },
    /** Admins only; refused with 409 last_admin rather than leave the office without an admin. */
    patchUser(userId: number, body: { role?: 'admin' | 'staff'; canApprove?: boolean }): Promise<StaffUser> {
      return request<StaffUser>('PATCH', `/api/users/${id(userId)}`, { body });
    },
    releaseStats(): Promise<ReleaseStats> {
      return request<ReleaseStats>('GET', '/api/releases/stats');
    },
    htmlInfo(messageId: number): Promise<MessageHtmlInfo> {
      return request<MessageHtmlInfo>('GET', `/api/messages/${id(messageId)}/html-info`);
    },
    allowImagesFrom(address: string): Promise<void> {
      return request<void>('POST', '/api/image-senders', { body: { address } });
    },
    blockImagesFrom(address: string): Promise<void> {
      return request<void>('DELETE', '/api/image-senders', { body: { address } });
    },
    releases(): Promise<{ releases: Release[] }> {
      return request<{ releases: Release[] }>('GET', '/api/releases');
    },
    /** Staff set (a release id) or clear (null) a thread's release; the server's answer wins over matching. */
    linkRelease(threadId: number, releaseId: number | null): Promise<ThreadSummary> {
      return request<ThreadSummary>('PUT', `/api/threads/${encodeURIComponent(String(threadId))}/release`, {
        body: { releaseId },
      });
    },
    thread(id: number): Promise<ThreadDetail> {
      return request<ThreadDetail>('GET', `/api/threads/${encodeURIComponent(String(id))}`);
    },
  };
}

export type Api = ReturnType<typeof createApi>;
