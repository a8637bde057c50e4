import { asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { messages, releases, threads, users } from '../../db/schema.ts';

/** The stable thread export format (ARCHITECTURE.md): fields may be added beside, never renamed. */
export interface ExportedThread {
  id: number;
  subject: string;
  status: string;
  assignee: string | null;
  deadline: string | null;
  release: { url: string; title: string } | null;
  match: { confidence: number; reason: string } | null;
  messages: {
    message_id: string;
    from: string;
    date: string;
    subject: string;
    direction: 'in' | 'out';
    kind: string;
    auth: string;
  }[];
}

/** Every live thread with its messages in date order, oldest thread first. */
export function* exportThreads(db: Db): Generator<ExportedThread> {
  const rows = db
    .select({
      thread: threads,
      assigneeEmail: users.email,
      releaseUrl: releases.url,
      releaseTitle: releases.title,
    })
    .from(threads)
    .leftJoin(users, eq(users.id, threads.assigneeId))
    .leftJoin(releases, eq(releases.id, threads.releaseId))
    .where(isNull(threads.mergedInto))
    .orderBy(asc(threads.id))
    .all();
  for (const { thread, assigneeEmail, releaseUrl, releaseTitle } of rows) {
    const list = db
      .select()
      .from(messages)
      .where(eq(messages.threadId, thread.id))
      .orderBy(asc(messages.date), asc(messages.id))
      .all();
    yield {
      id: thread.id,
      subject: thread.subject,
      status: thread.status,
      assignee: assigneeEmail,
      deadline: thread.deadline ? thread.deadline.toISOString() : null,
      release: releaseUrl !== null && releaseTitle !== null ? { url: releaseUrl, title: releaseTitle } : null,
      match:
        thread.matchConfidence !== null && thread.matchReason
          ? { confidence: thread.matchConfidence, reason: thread.matchReason }
          : null,
      messages: list.map((m) => ({
        message_id: m.messageId,
        from: m.fromAddress,
        date: m.date.toISOString(),
        subject: m.subject,
        direction: m.direction,
        kind: m.kind,
        auth: m.auth,
      })),
    };
  }
}

const CSV_COLUMNS = [
  'thread_id',
  'thread_subject',
  'status',
  'assignee',
  'deadline',
  'release_url',
  'release_title',
  'match_confidence',
  'match_reason',
  'message_id',
  'from',
  'date',
  'subject',
  'direction',
  'kind',
  'auth',
] as const;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // Cells starting with = + - @ are formulas to spreadsheet apps: a journalist's subject must not run.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV: one row per message, carrying its thread's columns (RFC 4180, CRLF line ends). */
export function* threadsToCsv(threadList: Iterable<ExportedThread>): Generator<string> {
  yield CSV_COLUMNS.join(',') + '\r\n';
  for (const t of threadList) {
    for (const m of t.messages) {
      const cells = [
        t.id,
        t.subject,
        t.status,
        t.assignee,
        t.deadline,
        t.release?.url ?? null,
        t.release?.title ?? null,
        t.match?.confidence ?? null,
        t.match?.reason ?? null,
        m.message_id,
        m.from,
        m.date,
        m.subject,
        m.direction,
        m.kind,
        m.auth,
      ];
      yield cells.map(csvCell).join(',') + '\r\n';
    }
  }
}
