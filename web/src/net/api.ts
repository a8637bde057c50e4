import type { Health, Release, ThreadDetail, ThreadList, ThreadSummary, User } from '../types.ts';

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
    { body, expectAuth = true }: { body?: unknown; expectAuth?: boolean } = {},
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
        signal: AbortSignal.timeout(timeoutMs),
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
    threads(params: { limit?: number; cursor?: string | null } = {}): Promise<ThreadList> {
      const q = new URLSearchParams({ limit: String(params.limit ?? 50) });
      if (params.cursor) q.set('cursor', params.cursor);
      return request<ThreadList>('GET', `/api/threads?${q.toString()}`);
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
