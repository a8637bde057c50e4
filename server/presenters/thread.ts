import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  attachments,
  contacts,
  events,
  messages,
  notes,
  releases,
  threadReads,
  threads,
  users,
} from '../../db/schema.ts';
import type { Message, Note, ThreadSummary } from '../schemas/api.ts';
import type { Tx } from '../commands/append-events.ts';
import { presentDrafts } from './draft.ts';
import { messageFragments } from './message-fragments.ts';
import { repliesForMessages } from './reply.ts';

type Reader = Db | Tx;

const SNIPPET_LENGTH = 160;

function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat;
}

const summaryColumns = {
  id: threads.id,
  subject: threads.subject,
  status: threads.status,
  priority: threads.priority,
  deadline: threads.deadline,
  deadlineSuggestedAt: threads.deadlineSuggestedAt,
  deadlineSuggestionText: threads.deadlineSuggestionText,
  tags: threads.tags,
  messageCount: threads.messageCount,
  firstMessageAt: threads.firstMessageAt,
  lastActivityAt: threads.lastActivityAt,
  matchConfidence: threads.matchConfidence,
  matchReason: threads.matchReason,
  assigneeId: users.id,
  assigneeName: users.name,
  contactEmail: contacts.email,
  releaseId: releases.id,
  releaseUrl: releases.url,
  releaseTitle: releases.title,
  contactName: contacts.name,
  // The newest message's text: what a press officer wants to glance at in the list.
  lastText: sql<
    string | null
  >`(select ${messages.text} from ${messages} where ${messages.threadId} = ${threads.id} order by ${messages.date} desc, ${messages.id} desc limit 1)`,
  language: sql<
    string | null
  >`(select ${messages.language} from ${messages} where ${messages.threadId} = ${threads.id} and ${messages.direction} = 'in' order by ${messages.date}, ${messages.id} limit 1)`,
  // Only a journalist's own words make a thread unread: not auto-replies, bounces or our replies.
  lastInboundAt: sql<
    number | null
  >`(select max(${messages.date}) from ${messages} where ${messages.threadId} = ${threads.id} and ${messages.direction} = 'in' and ${messages.kind} = 'human')`,
};

export function summaryQuery(db: Reader) {
  return db
    .select(summaryColumns)
    .from(threads)
    .leftJoin(users, eq(users.id, threads.assigneeId))
    .leftJoin(contacts, eq(contacts.id, threads.contactId))
    .leftJoin(releases, eq(releases.id, threads.releaseId));
}

export type SummaryRow = ReturnType<ReturnType<typeof summaryQuery>['all']>[number];

export function toSummary(row: SummaryRow): ThreadSummary {
  return {
    id: row.id,
    subject: row.subject || '(no subject)',
    status: row.status,
    priority: row.priority,
    assignee:
      row.assigneeId !== null && row.assigneeName !== null
        ? { id: row.assigneeId, name: row.assigneeName }
        : null,
    deadline: row.deadline ? row.deadline.toISOString() : null,
    deadlineSuggestion:
      row.deadlineSuggestedAt && row.deadlineSuggestionText
        ? { at: row.deadlineSuggestedAt.toISOString(), text: row.deadlineSuggestionText }
        : null,
    tags: row.tags ?? [],
    correspondent: row.contactEmail ? { name: row.contactName, email: row.contactEmail } : null,
    messageCount: row.messageCount,
    firstMessageAt: row.firstMessageAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    snippet: snippetOf(row.lastText ?? ''),
    release:
      row.releaseId !== null && row.releaseUrl !== null && row.releaseTitle !== null
        ? { id: row.releaseId, url: row.releaseUrl, title: row.releaseTitle }
        : null,
    match:
      row.matchConfidence !== null && row.matchReason
        ? { confidence: row.matchConfidence, reason: row.matchReason }
        : null,
    language: row.language,
    lastInboundAt: row.lastInboundAt === null ? null : new Date(row.lastInboundAt).toISOString(),
  };
}

const preparedSummaries = new WeakMap<Reader, { get(values: { id: number }): SummaryRow | undefined }>();

/** One thread as the list and the websocket show it; null if it does not exist. */
export function presentThread(db: Reader, threadId: number): ThreadSummary | null {
  // Prepared once per connection: this runs for every ingested message.
  let statement = preparedSummaries.get(db);
  if (!statement) {
    statement = summaryQuery(db)
      .where(eq(threads.id, sql.placeholder('id')))
      .prepare();
    preparedSummaries.set(db, statement);
  }
  const row = statement.get({ id: threadId });
  return row ? toSummary(row) : null;
}

function encodeCursor(lastActivityAt: Date, id: number): string {
  return Buffer.from(`${lastActivityAt.getTime()}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { time: number; id: number } | null {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { time: Number(match[1]), id: Number(match[2]) } : null;
}

/** A page of live (unmerged) threads, newest activity first, keyset-paginated. */
export function presentThreadPage(
  db: Reader,
  options: { limit: number; cursor?: string | undefined; releaseIds?: number[] },
): { threads: ThreadSummary[]; nextCursor: string | null } {
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  const keyset = after
    ? or(
        lt(threads.lastActivityAt, new Date(after.time)),
        and(eq(threads.lastActivityAt, new Date(after.time)), lt(threads.id, after.id)),
      )
    : undefined;
  const rows = summaryQuery(db)
    .where(
      and(
        isNull(threads.mergedInto),
        keyset,
        options.releaseIds ? inArray(threads.releaseId, options.releaseIds) : undefined,
      ),
    )
    .orderBy(desc(threads.lastActivityAt), desc(threads.id))
    .limit(options.limit + 1)
    .all();
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    threads: page.map(toSummary),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last.lastActivityAt, last.id) : null,
  };
}

type MessageRow = typeof messages.$inferSelect;

type AttachmentRow = typeof attachments.$inferSelect;

function withFragments(text: string, sender: string): Pick<Message, 'fragments'> {
  const fragments = messageFragments(text, sender);
  return fragments ? { fragments } : {};
}

/** One message as the API shows it (never the raw bytes or stored HTML). */
export function toApiMessage(row: MessageRow, files: AttachmentRow[]): Message {
  return {
    id: row.id,
    messageId: row.messageId,
    from: { name: row.fromName, email: row.fromAddress },
    to: row.to.map((a) => ({ name: a.name ?? null, email: a.address })),
    cc: row.cc.map((a) => ({ name: a.name ?? null, email: a.address })),
    date: row.date.toISOString(),
    dateHeaderValid: row.dateHeaderValid,
    subject: row.subject,
    direction: row.direction,
    kind: row.kind,
    kindReason: row.kindReason,
    kindProbable: row.kindProbable,
    auth: row.auth,
    senderTrust: row.senderTrust ?? null,
    text: row.text,
    inReplyTo: row.inReplyTo,
    duplicateMessageId: row.duplicateMessageId,
    parseError: row.parseError,
    hasHtml: Boolean(row.html),
    ...withFragments(row.text, row.fromAddress),
    attachments: files.map((f) => ({
      id: f.id,
      filename: f.filename,
      contentType: f.contentType,
      size: f.size,
    })),
  };
}

/** Messages as the API shows them, with their attachments looked up in one query. */
export function presentMessages(db: Reader, rows: MessageRow[]): Message[] {
  const ids = rows.map((r) => r.id);
  const files =
    ids.length === 0 ? [] : db.select().from(attachments).where(inArray(attachments.messageRowId, ids)).all();
  const replies = repliesForMessages(
    db,
    rows.filter((r) => r.direction === 'out').map((r) => r.id),
  );
  return rows.map((row) => {
    const message = toApiMessage(
      row,
      files.filter((f) => f.messageRowId === row.id),
    );
    // Outgoing messages written in Newsdesk carry their delivery state.
    if (row.direction === 'out') message.reply = replies.get(row.id) ?? null;
    return message;
  });
}

/** A thread's internal notes, oldest first. */
export function presentNotes(db: Reader, threadId: number): Note[] {
  return db
    .select({
      id: notes.id,
      threadId: notes.threadId,
      authorId: users.id,
      authorName: users.name,
      body: notes.body,
      createdAt: notes.createdAt,
    })
    .from(notes)
    .innerJoin(users, eq(users.id, notes.authorUserId))
    .where(eq(notes.threadId, threadId))
    .orderBy(asc(notes.createdAt), asc(notes.id))
    .all()
    .map((n) => ({
      id: n.id,
      threadId: n.threadId,
      author: { id: n.authorId, name: n.authorName },
      body: n.body,
      createdAt: n.createdAt.toISOString(),
    }));
}

/** The newest event seq about a thread: what a reply's collision check compares against. */
export function threadVersion(db: Reader, threadId: number): number {
  return (
    db
      .select({ seq: sql<number | null>`max(${events.seq})` })
      .from(events)
      .where(eq(events.threadId, threadId))
      .get()?.seq ?? 0
  );
}

/** The officer's read times for these threads (absent: never read). */
export function readTimes(db: Reader, userId: number, threadIds: number[]): Map<number, Date> {
  if (threadIds.length === 0) return new Map();
  const rows = db
    .select({ threadId: threadReads.threadId, readAt: threadReads.readAt })
    .from(threadReads)
    .where(and(eq(threadReads.userId, userId), inArray(threadReads.threadId, threadIds)))
    .all();
  return new Map(rows.map((r) => [r.threadId, r.readAt]));
}

/** Adds the officer's `readAt` to summaries for an HTTP response (events never carry it). */
export function withReadState<T extends ThreadSummary>(db: Reader, userId: number, summaries: T[]): T[] {
  const times = readTimes(
    db,
    userId,
    summaries.map((s) => s.id),
  );
  return summaries.map((s) => ({ ...s, readAt: times.get(s.id)?.toISOString() ?? null }));
}

/** A thread with its messages in date order, its notes, drafts and version; null if absent. */
export function presentThreadDetail(db: Reader, threadId: number) {
  const thread = presentThread(db, threadId);
  if (!thread) return null;
  const rows = db
    .select()
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .orderBy(asc(messages.date), asc(messages.id))
    .all();
  return {
    thread,
    messages: presentMessages(db, rows),
    notes: presentNotes(db, threadId),
    version: threadVersion(db, threadId),
    mergedInto:
      db.select({ mergedInto: threads.mergedInto }).from(threads).where(eq(threads.id, threadId)).get()
        ?.mergedInto ?? null,
    drafts: presentDrafts(db, threadId),
  };
}
