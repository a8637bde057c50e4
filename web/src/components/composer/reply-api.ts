// The composer's calls to the reply routes. Kept beside the component: the reply contract is small,
// and its 409 body (what changed) carries more than the shared client's error type.
import type { Reply, ThreadChange } from '../../../../server/schemas/api.ts';

export type { Reply };

export interface ReplyRequest {
  text: string;
  /** 'simple': **bold**, _italic_, lists and links, sent with an HTML part. */
  format?: 'plain' | 'simple';
  quote: boolean;
  replyAll: boolean;
  statusAfterSend: 'answered' | 'waiting';
  attachmentIds?: number[];
  uploadIds?: number[];
  basedOnVersion?: number;
  replyTo?: 'from' | 'reply-to';
}

export type { ThreadChange };

export type SendOutcome =
  | { kind: 'accepted'; reply: Reply }
  | { kind: 'changed'; message: string; version: number; changes: ThreadChange[] }
  | { kind: 'reply-to'; from: string; replyTo: string[] }
  | { kind: 'error'; message: string };

async function call(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(20_000),
    });
  } catch {
    return { status: 0, data: null as unknown };
  }
  return { status: res.status, data: (await res.json().catch(() => null)) as unknown };
}

function errorText(data: unknown, fallback: string): string {
  const message = (data as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : fallback;
}

/** Sends a reply; the key makes a retried click or a lost response safe (the server returns the first). */
export async function sendReply(
  threadId: number,
  request: ReplyRequest,
  idempotencyKey: string,
): Promise<SendOutcome> {
  const { status, data } = await call(
    'POST',
    `/api/threads/${encodeURIComponent(String(threadId))}/replies`,
    request,
    {
      'idempotency-key': idempotencyKey,
    },
  );
  if (status === 200 || status === 202) return { kind: 'accepted', reply: (data as { reply: Reply }).reply };
  if (status === 409 && (data as { error?: { code?: string } } | null)?.error?.code === 'thread_changed') {
    const body = data as { version: number; changes: ThreadChange[] };
    return { kind: 'changed', message: errorText(data, ''), version: body.version, changes: body.changes };
  }
  if (status === 409 && (data as { error?: { code?: string } } | null)?.error?.code === 'reply_to_differs') {
    const body = data as { from: string; replyTo: string[] };
    return { kind: 'reply-to', from: body.from, replyTo: body.replyTo };
  }
  if (status === 0) return { kind: 'error', message: 'Cannot reach the Newsdesk server.' };
  return { kind: 'error', message: errorText(data, `The server answered ${status}.`) };
}

export interface UploadedFile {
  id: number;
  filename: string;
  contentType: string;
  size: number;
}

/** Uploads one file (the body is the file itself) for a reply to attach by id. */
export async function uploadFile(
  file: File,
): Promise<{ ok: true; upload: UploadedFile } | { ok: false; message: string }> {
  let res: Response;
  try {
    res = await fetch(`/api/uploads?filename=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream' },
      body: file,
      signal: AbortSignal.timeout(120_000),
    });
  } catch {
    return { ok: false, message: 'Cannot reach the Newsdesk server.' };
  }
  const data = (await res.json().catch(() => null)) as unknown;
  if (res.status === 201) return { ok: true, upload: (data as { upload: UploadedFile }).upload };
  return { ok: false, message: errorText(data, `The server answered ${res.status}.`) };
}

/** Undo-send while the reply is still held. */
export async function cancelReply(
  replyId: number,
): Promise<{ ok: true; reply: Reply } | { ok: false; message: string }> {
  const { status, data } = await call(
    'POST',
    `/api/replies/${encodeURIComponent(String(replyId))}/cancel`,
    {},
  );
  if (status === 200) return { ok: true, reply: (data as { reply: Reply }).reply };
  return { ok: false, message: errorText(data, 'Could not undo.') };
}

/** An approver lets a reply waiting for sign-off go out. */
export async function approveReply(replyId: number): Promise<{ ok: true } | { ok: false; message: string }> {
  const { status, data } = await call(
    'POST',
    `/api/replies/${encodeURIComponent(String(replyId))}/approve`,
    {},
  );
  return status === 200 ? { ok: true } : { ok: false, message: errorText(data, 'Could not approve.') };
}

/** An approver returns a reply to its author with a note; it is not sent. */
export async function returnReply(
  replyId: number,
  note: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const { status, data } = await call('POST', `/api/replies/${encodeURIComponent(String(replyId))}/return`, {
    note,
  });
  return status === 200 ? { ok: true } : { ok: false, message: errorText(data, 'Could not return it.') };
}

async function get(path: string): Promise<{ status: number; data: unknown }> {
  try {
    const res = await fetch(path, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, data: (await res.json().catch(() => null)) as unknown };
  } catch {
    return { status: 0, data: null };
  }
}

/** My saved draft on a thread, if any (drafts are per officer). */
export async function myDraft(threadId: number, userId: number): Promise<string | null> {
  const { status, data } = await get(`/api/threads/${encodeURIComponent(String(threadId))}`);
  if (status !== 200) return null;
  const drafts = (data as { drafts?: { user: { id: number }; body: string }[] }).drafts ?? [];
  return drafts.find((d) => d.user.id === userId)?.body ?? null;
}

/** Saves the draft as the officer types (a blank body deletes it); colleagues see a preview. */
export async function saveDraft(threadId: number, body: string): Promise<void> {
  await call('PUT', `/api/threads/${encodeURIComponent(String(threadId))}/draft`, { body });
}

export interface SavedReplyChoice {
  id: number;
  title: string;
  language: string;
  release: { id: number; title: string } | null;
}

/** Saved replies, with the lines to take of the thread's release first when it has one. */
export async function savedReplies(releaseId: number | null): Promise<SavedReplyChoice[]> {
  const q = releaseId ? `?releaseId=${encodeURIComponent(String(releaseId))}` : '';
  const { status, data } = await get(`/api/saved-replies${q}`);
  if (status !== 200) return [];
  const list = (data as { savedReplies?: SavedReplyChoice[] }).savedReplies ?? [];
  return [...list].sort((a, b) => Number(b.release !== null) - Number(a.release !== null));
}

/** A saved reply filled in for the thread (journalist name, outlet, release title and URL…). */
export async function renderSavedReply(
  threadId: number,
  savedId: number,
): Promise<{ text: string; missing: string[] } | null> {
  const { status, data } = await get(
    `/api/threads/${encodeURIComponent(String(threadId))}/saved-replies/${encodeURIComponent(String(savedId))}/render`,
  );
  return status === 200 ? (data as { text: string; missing: string[] }) : null;
}
