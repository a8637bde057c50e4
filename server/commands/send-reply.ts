// The write path of outgoing replies: create (with the exact bytes fixed up front), undo, approval, and
// the state changes the outbox worker reports. Each change is one synchronous transaction that appends
// its events; callers publish them after the commit.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  attachments,
  blobs,
  contacts,
  events,
  messageRefs,
  messages,
  outbox,
  settings,
  threads,
  users,
} from '../../db/schema.ts';
import { isOwnMessage, type BounceReport } from '../domain/classify/index.ts';
import { AppError } from '../errors.ts';
import addressparser from 'nodemailer/lib/addressparser';
import { contentHashOf, readRawHeaders, sha256Hex } from '../mail/parse.ts';
import { composeReplyBytes, type ReplyAttachment } from '../mail/smtp/compose-reply.ts';
import {
  deliverableAddress,
  messageIdDomain,
  quotedOriginal,
  referencesChain,
  replyMessageId,
  replyRecipients,
  replySubject,
  safeDisplayName,
  threadIdFromReplyId,
  type Party,
} from '../mail/smtp/reply-headers.ts';
import { renderSimpleFormat } from '../domain/simple-format.ts';
import { presentReply } from '../presenters/reply.ts';
import { presentThread, toApiMessage } from '../presenters/thread.ts';
import type { Reply } from '../schemas/api.ts';
import type { DomainEvent, SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents, type Tx } from './append-events.ts';
import { indexMessage } from './search-index.ts';
import { MAX_ATTACHMENT_BYTES, uploadsOf } from './upload-file.ts';

type OutboxRow = typeof outbox.$inferSelect;
type ReplyState = OutboxRow['state'];

export interface ReplySettings {
  /** The newsdesk address replies come from. */
  ownAddress: string;
  /** "FCDO Newsdesk" in "Amal Haddad — FCDO Newsdesk <newsdesk@…>". */
  officeName: string;
  undoSeconds: number;
  /** False when there is no IMAP mailbox to keep a Sent copy in. */
  keepSentCopy: boolean;
}

export interface ReplyInput {
  threadId: number;
  author: { id: number; name: string };
  idempotencyKey: string;
  text: string;
  /** 'simple': the text carries simple formatting (server/domain/simple-format.ts), sent with an HTML part. */
  format?: 'plain' | 'simple';
  quote?: boolean;
  replyAll?: boolean;
  attachmentIds?: number[];
  /** Files the author uploaded (POST /api/uploads), attached after the forwarded ones. */
  uploadIds?: number[];
  statusAfterSend?: 'answered' | 'waiting';
  basedOnVersion?: number;
  /** When the journalist's message asks for replies elsewhere (Reply-To): the officer's choice. */
  replyTo?: 'from' | 'reply-to';
}

export interface ThreadChange {
  seq: number;
  type: string;
  at: string;
  actor: { id: number; name: string } | null;
  summary: string;
}

/** 409: the thread moved on since the officer opened it; the UI shows `changes` and may send anyway. */
export class ThreadChangedError extends AppError {
  constructor(
    readonly version: number,
    readonly changes: ThreadChange[],
  ) {
    const who = changes.find((c) => c.actor)?.actor?.name;
    super(
      'thread_changed',
      409,
      who ? `${who} changed this thread since you opened it` : 'the thread changed since you opened it',
    );
  }
}

/**
 * 409: the journalist's message asks for replies to go elsewhere (Reply-To) than the sender staff see;
 * the officer chooses (O-12: what you see is where it goes, and a redirect is confirmed).
 */
export class ReplyToChoiceError extends AppError {
  constructor(
    readonly from: string,
    readonly replyTo: string[],
  ) {
    super('reply_to_differs', 409, `${from} asks for replies to go to ${replyTo.join(', ')}`);
  }
}

/** The deliverable Reply-To addresses of a stored inbound message that differ from its sender. */
function replyToOf(db: Db, parent: { rawSha256: string; fromAddress: string }): string[] {
  const blob = db.select({ data: blobs.data }).from(blobs).where(eq(blobs.sha256, parent.rawSha256)).get();
  if (!blob) return [];
  const values = readRawHeaders(blob.data).get('reply-to') ?? [];
  const out: string[] = [];
  for (const value of values) {
    for (const entry of addressparser(value, { flatten: true })) {
      const address = deliverableAddress(entry.address);
      if (address && address.toLowerCase() !== parent.fromAddress.toLowerCase() && !out.includes(address))
        out.push(address);
    }
  }
  // A long list is not a reply address but a distribution list: refuse to guess.
  return out.slice(0, 3);
}

/** The setting that makes every reply wait for an approver (users.canApprove). */
export const REQUIRE_APPROVAL_KEY = 'requireApproval';

function requiresApproval(db: Db | Tx): boolean {
  const row = db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, REQUIRE_APPROVAL_KEY))
    .get();
  return row?.value === true;
}

/** The thread's version: the newest event seq recorded for it (0 when none). */
export function threadVersion(db: Db | Tx, threadId: number): number {
  const row = db
    .select({ seq: sql<number | null>`max(${events.seq})` })
    .from(events)
    .where(eq(events.threadId, threadId))
    .get();
  return row?.seq ?? 0;
}

/**
 * What others did on the thread after `sinceSeq`: new mail from outside, and replies and notes by
 * other officers. The officer's own actions and automatic bookkeeping do not count as a collision.
 */
export function threadChangesSince(
  db: Db | Tx,
  threadId: number,
  sinceSeq: number,
  userId: number,
): ThreadChange[] {
  const rows = db
    .select({
      seq: events.seq,
      type: events.type,
      payload: events.payload,
      actorUserId: events.actorUserId,
      createdAt: events.createdAt,
      actorName: users.name,
    })
    .from(events)
    .leftJoin(users, eq(users.id, events.actorUserId))
    .where(and(eq(events.threadId, threadId), gt(events.seq, sinceSeq)))
    .orderBy(events.seq)
    .limit(500)
    .all();
  const changes: ThreadChange[] = [];
  for (const row of rows) {
    const actor =
      row.actorUserId !== null && row.actorName !== null
        ? { id: row.actorUserId, name: row.actorName }
        : null;
    const byOther = row.actorUserId !== null && row.actorUserId !== userId;
    const base = { seq: row.seq, type: row.type, at: row.createdAt.toISOString(), actor };
    if (row.type === 'message.created') {
      const message = (
        row.payload as {
          message?: { direction?: string; kind?: string; from?: { name?: string | null; email?: string } };
        }
      ).message;
      // Automatic mail (auto-replies, bounces) tells the officer nothing new about the enquiry.
      if (message?.direction === 'in' && (message.kind ?? 'human') === 'human') {
        const from = message.from?.name || message.from?.email || 'the journalist';
        changes.push({ ...base, summary: `new message from ${from}` });
      } else if (byOther) {
        changes.push({ ...base, summary: `${actor?.name ?? 'a colleague'} replied` });
      }
    } else if (row.type.startsWith('note.') && byOther) {
      changes.push({ ...base, summary: `${actor?.name ?? 'a colleague'} added a note` });
    }
  }
  return changes;
}

function existingByKey(db: Db | Tx, authorId: number, key: string): OutboxRow | undefined {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.authorUserId, authorId), eq(outbox.idempotencyKey, key)))
    .get();
}

type MessageRow = typeof messages.$inferSelect;

/** The message a reply answers: the journalist's latest human message, else the latest message at all. */
function messageRepliedTo(db: Db, threadId: number): MessageRow | undefined {
  const latest = (where: ReturnType<typeof and>) =>
    db.select().from(messages).where(where).orderBy(desc(messages.date), desc(messages.id)).limit(1).get();
  return (
    latest(and(eq(messages.threadId, threadId), eq(messages.direction, 'in'), eq(messages.kind, 'human'))) ??
    latest(and(eq(messages.threadId, threadId), eq(messages.direction, 'in'))) ??
    latest(and(eq(messages.threadId, threadId)))
  );
}

function composedText(input: ReplyInput, signature: string, parent: MessageRow): string {
  const parts = [input.text.replace(/\r\n?/g, '\n').trimEnd()];
  // RFC 3676 §4.3 signature separator, so mail clients can fold or strip it.
  if (signature.trim()) parts.push(`-- \n${signature.replace(/\r\n?/g, '\n').trim()}`);
  if (input.quote) {
    parts.push(
      quotedOriginal({
        text: parent.text,
        date: parent.date,
        from: { name: parent.fromName, address: parent.fromAddress },
      }),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

export interface CreateReplyResult {
  /** False when the idempotency key matched an earlier reply, which is returned instead. */
  created: boolean;
  reply: Reply;
  events: SequencedEvent[];
}

/**
 * Writes a reply: the out message shown in the thread, its exact bytes, and the outbox row with
 * Message-ID, In-Reply-To and References, all in one transaction and before any SMTP attempt. The
 * bytes are composed first (async), then the transaction re-checks the idempotency key and the
 * collision guard, so two tabs or a retried POST end with one reply.
 */
export async function createReply(
  db: Db,
  input: ReplyInput,
  replySettings: ReplySettings,
  now: Date,
  random: () => string = () => randomBytes(12).toString('hex'),
): Promise<CreateReplyResult> {
  const earlier = existingByKey(db, input.author.id, input.idempotencyKey);
  if (earlier) return { created: false, reply: presentReply(db, earlier.id)!, events: [] };

  const thread = db.select().from(threads).where(eq(threads.id, input.threadId)).get();
  if (!thread) throw new AppError('not_found', 404, `no thread ${input.threadId}`);
  if (thread.mergedInto !== null)
    throw new AppError('thread_merged', 409, `thread ${input.threadId} was merged into ${thread.mergedInto}`);
  if (input.basedOnVersion !== undefined) {
    const changes = threadChangesSince(db, input.threadId, input.basedOnVersion, input.author.id);
    if (changes.length > 0) throw new ThreadChangedError(threadVersion(db, input.threadId), changes);
  }
  if (!input.text.trim() && !(input.attachmentIds?.length ?? 0) && !(input.uploadIds?.length ?? 0))
    throw new AppError('empty_reply', 400, 'write something to send');

  const parent = messageRepliedTo(db, input.threadId);
  if (!parent) throw new AppError('nothing_to_reply_to', 409, 'this thread has no message to reply to');
  const author = db.select().from(users).where(eq(users.id, input.author.id)).get();
  if (!author) throw new AppError('unauthenticated', 401, 'sign in first');

  const replyTo = parent.direction === 'in' ? replyToOf(db, parent) : [];
  if (replyTo.length > 0 && input.replyTo === undefined)
    throw new ReplyToChoiceError(parent.fromAddress, replyTo);
  const useReplyTo = replyTo.length > 0 && input.replyTo === 'reply-to';

  // An outgoing parent (a thread we started) is answered to the people it went to.
  const original =
    parent.direction === 'in'
      ? {
          from: useReplyTo
            ? { name: null, address: replyTo[0]! }
            : { name: parent.fromName, address: parent.fromAddress },
          to: parent.to.map((a) => ({ name: a.name ?? null, address: a.address })),
          cc: parent.cc.map((a) => ({ name: a.name ?? null, address: a.address })),
        }
      : {
          from: parent.to[0]
            ? { name: parent.to[0].name ?? null, address: parent.to[0].address }
            : { name: null, address: '' },
          to: parent.to.slice(1).map((a) => ({ name: a.name ?? null, address: a.address })),
          cc: parent.cc.map((a) => ({ name: a.name ?? null, address: a.address })),
        };
  const recipients = replyRecipients(original, {
    replyAll: input.replyAll ?? false,
    ownAddresses: [replySettings.ownAddress],
  });
  if (useReplyTo) {
    // Every address the Reply-To names is a recipient of the reply.
    const taken = new Set(
      [...recipients.to, ...recipients.cc, { address: replySettings.ownAddress }].map((p) =>
        p.address.toLowerCase(),
      ),
    );
    for (const address of replyTo.slice(1)) {
      if (taken.has(address.toLowerCase())) continue;
      taken.add(address.toLowerCase());
      recipients.to.push({ name: null, address });
    }
  }
  if (recipients.to.length === 0) {
    throw new AppError(
      'no_recipient',
      422,
      recipients.refused.length
        ? `not a deliverable address: ${recipients.refused.join(', ')}`
        : 'the message has no sender to reply to',
    );
  }

  const files: (ReplyAttachment & { sha256: string })[] = [];
  const ids = [...new Set(input.attachmentIds ?? [])];
  if (ids.length > 0) {
    const rows = db
      .select({
        id: attachments.id,
        sha256: attachments.sha256,
        filename: attachments.filename,
        contentType: attachments.contentType,
        data: blobs.data,
      })
      .from(attachments)
      .innerJoin(messages, eq(messages.id, attachments.messageRowId))
      .innerJoin(blobs, eq(blobs.sha256, attachments.sha256))
      .where(and(inArray(attachments.id, ids), eq(messages.threadId, input.threadId)))
      .all();
    if (rows.length !== ids.length)
      throw new AppError('invalid_attachment', 400, 'attachments must belong to this thread');
    for (const r of rows)
      files.push({ filename: r.filename, contentType: r.contentType, content: r.data, sha256: r.sha256 });
  }
  for (const u of uploadsOf(db, [...new Set(input.uploadIds ?? [])], input.author.id))
    files.push({ filename: u.filename, contentType: u.contentType, content: u.data, sha256: u.sha256 });
  const total = files.reduce((n, f) => n + f.content.length, 0);
  if (total > MAX_ATTACHMENT_BYTES)
    throw new AppError('attachments_too_large', 400, 'attachments may total at most 25 MB');

  const domain = messageIdDomain(replySettings.ownAddress);
  const messageId = replyMessageId(input.threadId, random(), domain);
  // A synthesised id exists only here: the journalist's client has never seen it.
  const parentId = parent.messageIdSynthetic ? null : parent.messageId;
  const references = referencesChain(parent.messageIdSynthetic ? [] : parent.references, parentId);
  const subject = replySubject(parent.subject || thread.subject);
  const composed = composedText(input, author.signature, parent);
  // Simple formatting renders the whole body (signature and quote included) to both parts, so the
  // text part and the stored message read the same as the HTML without the markers.
  const formatted = input.format === 'simple' ? renderSimpleFormat(composed) : null;
  const text = formatted?.text ?? composed;
  const html = formatted?.html ?? null;
  const fromName = [safeDisplayName(author.name), safeDisplayName(replySettings.officeName)]
    .filter(Boolean)
    .join(' — ');
  const from: Party = { name: fromName, address: replySettings.ownAddress };
  const raw = await composeReplyBytes({
    messageId,
    from,
    to: recipients.to,
    cc: recipients.cc,
    subject,
    text,
    html,
    inReplyTo: parentId,
    references,
    date: now,
    attachments: files,
  });
  const rawSha256 = sha256Hex(raw);

  // IMMEDIATE takes the write lock before the idempotency re-check, so two processes sharing the
  // database (a second server on the same file) cannot both pass it with the same key.
  return db.transaction(
    (tx): CreateReplyResult => {
      const raced = existingByKey(tx, input.author.id, input.idempotencyKey);
      if (raced) return { created: false, reply: presentReply(tx, raced.id)!, events: [] };
      if (input.basedOnVersion !== undefined) {
        const changes = threadChangesSince(tx, input.threadId, input.basedOnVersion, input.author.id);
        if (changes.length > 0) throw new ThreadChangedError(threadVersion(tx, input.threadId), changes);
      }
      const needsApproval = requiresApproval(tx) && !author.canApprove;
      const state: ReplyState = needsApproval
        ? 'awaiting-approval'
        : replySettings.undoSeconds > 0
          ? 'held'
          : 'queued';

      const stored = storeOutgoing(tx, {
        kind: 'reply',
        threadId: input.threadId,
        author: input.author.id,
        idempotencyKey: input.idempotencyKey,
        messageId,
        raw,
        rawSha256,
        parentId,
        references,
        from,
        to: recipients.to,
        cc: recipients.cc,
        subject,
        text,
        html,
        files,
        envelopeFrom: replySettings.ownAddress,
        state,
        sendAfter: new Date(now.getTime() + (state === 'held' ? replySettings.undoSeconds * 1000 : 0)),
        keepSentCopy: replySettings.keepSentCopy,
        statusAfterSend: input.statusAfterSend ?? 'answered',
        now,
      });
      const { reply, domainEvents } = stored;
      return { created: true, reply, events: appendEvents(tx, domainEvents, now, input.author.id) };
    },
    { behavior: 'immediate' },
  );
}

export interface OutgoingRecord {
  kind: 'reply' | 'acknowledgement';
  threadId: number;
  author: number | null;
  idempotencyKey: string;
  messageId: string;
  raw: Buffer;
  rawSha256: string;
  parentId: string | null;
  references: string[];
  from: Party;
  to: Party[];
  cc: Party[];
  subject: string;
  text: string;
  /** The HTML part we generated (simple formatting), shown in the thread like any stored HTML. */
  html?: string | null;
  files: { sha256: string; filename: string | null; contentType: string; content: Buffer }[];
  /** '' is the null reverse-path (RFC 5321 §4.5.5) for automatic mail. */
  envelopeFrom: string;
  state: ReplyState;
  sendAfter: Date;
  keepSentCopy: boolean;
  statusAfterSend: 'answered' | 'waiting';
  now: Date;
}

/**
 * Stores one outgoing message inside the caller's transaction: its bytes, the out message shown in
 * the thread (so the journalist's answer finds it by Message-ID), and the outbox row.
 */
export function storeOutgoing(tx: Tx, o: OutgoingRecord): { reply: Reply; domainEvents: DomainEvent[] } {
  const { now } = o;
  tx.insert(blobs)
    .values({ sha256: o.rawSha256, size: o.raw.length, data: o.raw })
    .onConflictDoNothing()
    .run();
  const messageRow = tx
    .insert(messages)
    .values({
      messageId: o.messageId,
      contentHash: contentHashOf(o.raw),
      rawSha256: o.rawSha256,
      size: o.raw.length,
      inReplyTo: o.parentId,
      references: o.references,
      fromAddress: o.from.address,
      fromName: o.from.name,
      to: o.to.map((p) => ({ address: p.address, ...(p.name ? { name: p.name } : {}) })),
      cc: o.cc.map((p) => ({ address: p.address, ...(p.name ? { name: p.name } : {}) })),
      subject: o.subject,
      date: now,
      text: o.text,
      html: o.html ?? null,
      direction: 'out',
      kind: o.kind === 'reply' ? 'human' : 'auto-reply',
      kindReason: o.kind === 'reply' ? null : 'our automatic acknowledgement',
      threadId: o.threadId,
      createdAt: now,
    })
    .returning()
    .get();
  // Replies are found by search like any other message of the thread.
  indexMessage(tx, { ...messageRow, outlet: null });
  for (const ref of [...new Set([...(o.parentId ? [o.parentId] : []), ...o.references])])
    tx.insert(messageRefs).values({ messageRowId: messageRow.id, refMessageId: ref }).run();
  const fileRows = o.files.map((f) =>
    tx
      .insert(attachments)
      .values({
        messageRowId: messageRow.id,
        sha256: f.sha256,
        filename: f.filename,
        contentType: f.contentType,
        size: f.content.length,
        disposition: 'attachment',
      })
      .returning()
      .get(),
  );
  const row = tx
    .insert(outbox)
    .values({
      kind: o.kind,
      threadId: o.threadId,
      messageRowId: messageRow.id,
      authorUserId: o.author,
      idempotencyKey: o.idempotencyKey,
      messageId: o.messageId,
      rawSha256: o.rawSha256,
      envelopeFrom: o.envelopeFrom,
      recipients: [...o.to, ...o.cc].map((p) => p.address),
      state: o.state,
      sendAfter: o.sendAfter,
      sentCopy: o.keepSentCopy ? 'pending' : 'not-wanted',
      statusAfterSend: o.statusAfterSend,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  tx.update(threads)
    .set({
      messageCount: sql`${threads.messageCount} + 1`,
      lastActivityAt: sql`max(${threads.lastActivityAt}, ${now.getTime()})`,
      updatedAt: now,
    })
    .where(eq(threads.id, o.threadId))
    .run();
  const reply = presentReply(tx, row.id)!;
  const message = { ...toApiMessage(messageRow, fileRows), reply };
  return {
    reply,
    domainEvents: [
      { type: 'message.created', threadId: o.threadId, message },
      { type: 'reply.status', threadId: o.threadId, reply },
      { type: 'thread.updated', thread: presentThread(tx, o.threadId)! },
    ],
  };
}

function loadReply(tx: Tx, replyId: number): OutboxRow {
  const row = tx.select().from(outbox).where(eq(outbox.id, replyId)).get();
  if (!row) throw new AppError('not_found', 404, `no reply ${replyId}`);
  return row;
}

/** Updates a reply only from the expected states; returns whether it moved. */
function transition(
  tx: Tx,
  replyId: number,
  from: readonly ReplyState[],
  values: Partial<typeof outbox.$inferInsert>,
  now: Date,
): boolean {
  const result = tx
    .update(outbox)
    .set({ ...values, updatedAt: now })
    .where(and(eq(outbox.id, replyId), inArray(outbox.state, [...from])))
    .run();
  return result.changes === 1;
}

function statusEvents(tx: Tx, replyId: number, now: Date, actorUserId: number | null, withThread = false) {
  const reply = presentReply(tx, replyId)!;
  const domainEvents: DomainEvent[] = [{ type: 'reply.status', threadId: reply.threadId, reply }];
  if (withThread) domainEvents.push({ type: 'thread.updated', thread: presentThread(tx, reply.threadId)! });
  return { reply, events: appendEvents(tx, domainEvents, now, actorUserId) };
}

const POSSIBLE_DUPLICATE = 'possible duplicate';

export interface ReplyChange {
  reply: Reply;
  events: SequencedEvent[];
}

/** Undo-send: pulls a reply back while it is still held (or waiting for approval). Its author only. */
export function cancelReply(
  db: Db,
  replyId: number,
  user: { id: number; role?: string },
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    const row = loadReply(tx, replyId);
    if (row.authorUserId !== user.id && user.role !== 'admin')
      throw new AppError('forbidden', 403, 'only the author can pull a reply back');
    if (row.state === 'cancelled') return { reply: presentReply(tx, replyId)!, events: [] };
    if (!transition(tx, replyId, ['held', 'awaiting-approval'], { state: 'cancelled' }, now))
      throw new AppError('too_late', 409, `the reply is already ${row.state}`);
    return statusEvents(tx, replyId, now, user.id);
  });
}

function approver(tx: Tx, userId: number): void {
  const row = tx.select({ canApprove: users.canApprove }).from(users).where(eq(users.id, userId)).get();
  if (!row?.canApprove) throw new AppError('forbidden', 403, 'only an approver can do this');
}

/** An approver lets a reply go out. */
export function approveReply(db: Db, replyId: number, userId: number, now: Date): ReplyChange {
  return db.transaction((tx) => {
    loadReply(tx, replyId);
    approver(tx, userId);
    if (
      !transition(
        tx,
        replyId,
        ['awaiting-approval'],
        { state: 'queued', approvedByUserId: userId, sendAfter: now },
        now,
      )
    )
      throw new AppError('not_awaiting_approval', 409, 'the reply is not waiting for approval');
    return statusEvents(tx, replyId, now, userId);
  });
}

/** An approver sends a reply back to its author with a note; it is not sent. */
export function returnReply(db: Db, replyId: number, userId: number, note: string, now: Date): ReplyChange {
  return db.transaction((tx) => {
    loadReply(tx, replyId);
    approver(tx, userId);
    if (!transition(tx, replyId, ['awaiting-approval'], { state: 'cancelled', returnNote: note.trim() }, now))
      throw new AppError('not_awaiting_approval', 409, 'the reply is not waiting for approval');
    return statusEvents(tx, replyId, now, userId);
  });
}

// ---------------------------------------------------------------------------------------------
// Worker-side transitions.

export interface ClaimedReply {
  row: OutboxRow;
  raw: Buffer;
  events: SequencedEvent[];
}

/**
 * Claims the next due reply for sending: a conditional held/queued/retrying → sending update, so a
 * second worker (or a double wake-up) can never send the same row (O-07).
 */
export function claimDueReply(db: Db, now: Date): ClaimedReply | null {
  return db.transaction((tx) => {
    const due = tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(inArray(outbox.state, ['held', 'queued', 'retrying']), lte(outbox.sendAfter, now)))
      .orderBy(outbox.sendAfter, outbox.id)
      .limit(1)
      .get();
    if (!due) return null;
    if (
      !transition(
        tx,
        due.id,
        ['held', 'queued', 'retrying'],
        { state: 'sending', attempts: sql`${outbox.attempts} + 1` as unknown as number },
        now,
      )
    )
      return null;
    const row = loadReply(tx, due.id);
    const blob = tx.select({ data: blobs.data }).from(blobs).where(eq(blobs.sha256, row.rawSha256)).get();
    if (!blob) throw new Error(`reply ${row.id}: stored message bytes are missing`);
    return { row, raw: blob.data, events: statusEvents(tx, row.id, now, null).events };
  });
}

/** When the next held, queued or retrying reply is due (null: none). */
export function nextReplyDue(db: Db): Date | null {
  const row = db
    .select({ at: sql<number | null>`min(${outbox.sendAfter})` })
    .from(outbox)
    .where(inArray(outbox.state, ['held', 'queued', 'retrying']))
    .get();
  return row?.at === null || row?.at === undefined ? null : new Date(row.at);
}

/** Replies left in 'sending' by a process that died mid-attempt. */
export function interruptedReplies(db: Db): OutboxRow[] {
  return db.select().from(outbox).where(eq(outbox.state, 'sending')).all();
}

/**
 * The server took the message (or a copy was found in Sent after a crash). The thread becomes
 * answered (or waiting) and its first response time is kept from the first reply only.
 */
export function markReplySent(
  db: Db,
  replyId: number,
  outcome: { response: string; note: string | null; sentCopy?: 'appended' },
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    const row = loadReply(tx, replyId);
    const moved = transition(
      tx,
      replyId,
      ['sending'],
      {
        state: 'sent',
        sentAt: now,
        smtpResponse: outcome.response.slice(0, 1000),
        // A resend after an interrupted attempt keeps saying it may be a duplicate; older retry errors go.
        lastError: outcome.note ?? (row.lastError?.startsWith(POSSIBLE_DUPLICATE) ? row.lastError : null),
        ...(outcome.sentCopy ? { sentCopy: outcome.sentCopy } : {}),
      },
      now,
    );
    if (!moved) {
      // The self-copy came back and settled it before the server's answer was recorded: keep the
      // server's own words (and any refused recipients) rather than the inference.
      if (row.state !== 'sent' || row.smtpResponse !== SELF_COPY_ARRIVED)
        return { reply: presentReply(tx, replyId)!, events: [] };
      tx.update(outbox)
        .set({ smtpResponse: outcome.response.slice(0, 1000), lastError: outcome.note, updatedAt: now })
        .where(eq(outbox.id, replyId))
        .run();
      return statusEvents(tx, replyId, now, null);
    }
    const answered = answerThread(tx, row, now);
    return statusEvents(tx, replyId, now, null, answered);
  });
}

/** A sent reply answers its thread; an automatic acknowledgement is not an answer (false). */
function answerThread(tx: Tx, row: OutboxRow, now: Date): boolean {
  if (row.kind !== 'reply') return false;
  tx.update(threads)
    .set({
      status: row.statusAfterSend,
      firstResponseAt: sql`coalesce(${threads.firstResponseAt}, ${now.getTime()})`,
      updatedAt: now,
    })
    .where(eq(threads.id, row.threadId))
    .run();
  return true;
}

export const SELF_COPY_ARRIVED = 'its copy arrived in the newsdesk inbox';

/**
 * Our reply's self-copy (the newsdesk address as an extra envelope recipient) arrived in the watched
 * inbox while its row still says 'sending' or 'retrying': the server took it for every recipient in
 * the same transaction, so it is sent, and a resend after a crash is not needed. Inside the ingest
 * transaction; returns the events to append (none when the row is already settled or not ours).
 */
export function settleOwnReplyCopy(
  tx: Tx,
  messageId: string,
  ownAddress: string | null,
  now: Date,
): DomainEvent[] {
  if (!ownAddress || !inOurDomain(messageId, ownAddress)) return [];
  const row = tx
    .select()
    .from(outbox)
    .where(and(eq(outbox.messageId, messageId), inArray(outbox.state, ['sending', 'retrying'])))
    .get();
  if (!row) return [];
  const moved = transition(
    tx,
    row.id,
    ['sending', 'retrying'],
    // The copy proves one acceptance: any earlier "possible duplicate" or retry error no longer holds.
    { state: 'sent', sentAt: now, smtpResponse: SELF_COPY_ARRIVED, lastError: null },
    now,
  );
  if (!moved) return [];
  const answered = answerThread(tx, row, now);
  const reply = presentReply(tx, row.id)!;
  const out: DomainEvent[] = [{ type: 'reply.status', threadId: reply.threadId, reply }];
  if (answered) out.push({ type: 'thread.updated', thread: presentThread(tx, reply.threadId)! });
  return out;
}

/** A temporary failure (4xx, no connection): try again at `retryAt`. */
export function markReplyRetrying(
  db: Db,
  replyId: number,
  error: string,
  retryAt: Date,
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    transition(
      tx,
      replyId,
      ['sending'],
      { state: 'retrying', lastError: error.slice(0, 1000), sendAfter: retryAt },
      now,
    );
    return statusEvents(tx, replyId, now, null);
  });
}

/** A permanent failure (5xx, or too many attempts): never retried; staff see the server's words. */
export function markReplyFailed(db: Db, replyId: number, error: string, now: Date): ReplyChange {
  return db.transaction((tx) => {
    transition(tx, replyId, ['sending'], { state: 'failed', lastError: error.slice(0, 1000) }, now);
    return statusEvents(tx, replyId, now, null);
  });
}

/**
 * After a restart, a reply found in 'sending' with no copy in Sent or the inbox is sent again with the
 * same bytes; it may have reached the server before the crash, so it says so.
 */
export function requeueInterruptedReply(db: Db, replyId: number, now: Date): ReplyChange {
  return db.transaction((tx) => {
    transition(
      tx,
      replyId,
      ['sending'],
      {
        state: 'retrying',
        sendAfter: now,
        lastError: `${POSSIBLE_DUPLICATE}: sending was interrupted and no copy was found in Sent or the inbox, so it is sent again`,
      },
      now,
    );
    return statusEvents(tx, replyId, now, null);
  });
}

/** Records the Sent copy's outcome; never touches the delivery state. */
export function markSentCopy(
  db: Db,
  replyId: number,
  outcome: 'appended' | 'failed',
  error: string | null,
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    tx.update(outbox)
      .set({ sentCopy: outcome, sentCopyError: error ? error.slice(0, 1000) : null, updatedAt: now })
      .where(eq(outbox.id, replyId))
      .run();
    return statusEvents(tx, replyId, now, null);
  });
}

/** A sent reply whose Sent copy is still owed: pending, or failed longer ago than `retryAfterMs`. */
export function nextOwedSentCopy(
  db: Db,
  now: Date,
  retryAfterMs: number,
): { row: OutboxRow; raw: Buffer } | null {
  const row = db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.state, 'sent'),
        sql`(${outbox.sentCopy} = 'pending' or (${outbox.sentCopy} = 'failed' and ${outbox.updatedAt} <= ${now.getTime() - retryAfterMs}))`,
      ),
    )
    .orderBy(outbox.updatedAt)
    .limit(1)
    .get();
  if (!row) return null;
  const blob = db.select({ data: blobs.data }).from(blobs).where(eq(blobs.sha256, row.rawSha256)).get();
  return blob ? { row, raw: blob.data } : null;
}

/** Counts the outbox states that matter for health: permanent failures in the last day, and retries. */
export function outboxTrouble(
  db: Db,
  now: Date,
): { failed: number; retrying: number; lastError: string | null } {
  const since = now.getTime() - 86_400_000;
  const rows = db
    .select({ state: outbox.state, lastError: outbox.lastError })
    .from(outbox)
    .where(
      and(inArray(outbox.state, ['failed', 'bounced', 'retrying']), sql`${outbox.updatedAt} >= ${since}`),
    )
    .orderBy(desc(outbox.updatedAt))
    .all();
  return {
    failed: rows.filter((r) => r.state !== 'retrying').length,
    retrying: rows.filter((r) => r.state === 'retrying').length,
    lastError: rows[0]?.lastError ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Ingest-side: our own mail coming back, and bounces of it.

/** The outbox rows behind these bare Message-IDs (our replies), inside the ingest transaction. */
export function outgoingByMessageIds(
  tx: Tx | Db,
  ids: string[],
): { id: number; threadId: number; messageRowId: number | null; messageId: string }[] {
  if (ids.length === 0) return [];
  return tx
    .select({
      id: outbox.id,
      threadId: outbox.threadId,
      messageRowId: outbox.messageRowId,
      messageId: outbox.messageId,
    })
    .from(outbox)
    .where(inArray(outbox.messageId, ids))
    .all();
}

/** The live thread a (possibly merged) thread id ends up in. */
export function liveThreadId(tx: Tx | Db, threadId: number): number {
  const row = tx
    .select({ mergedInto: threads.mergedInto })
    .from(threads)
    .where(eq(threads.id, threadId))
    .get();
  return row?.mergedInto ?? threadId;
}

/**
 * A bounce (RFC 3464 or the common non-standard forms) of one of our replies: a permanent failure
 * marks it 'bounced' with the status text (L-11); a delay only notes the text (L-13).
 */
export function recordReplyBounce(tx: Tx, report: BounceReport, now: Date): DomainEvent[] {
  const hits = outgoingByMessageIds(tx, report.originalMessageIds);
  const failed = report.recipients.filter((r) => r.action === 'failed' || r.status?.startsWith('5'));
  const text =
    (failed.length ? failed : report.recipients)
      .map((r) => [r.address, r.status, r.diagnostic].filter(Boolean).join(' '))
      .join('; ')
      .slice(0, 1000) || 'returned by the mail system';
  const out: DomainEvent[] = [];
  for (const hit of hits) {
    if (report.outcome === 'failed') {
      transition(tx, hit.id, ['sent', 'sending', 'retrying'], { state: 'bounced', lastError: text }, now);
    } else if (report.outcome === 'delayed') {
      tx.update(outbox)
        .set({ lastError: `delayed: ${text}`, updatedAt: now })
        .where(and(eq(outbox.id, hit.id), eq(outbox.state, 'sent')))
        .run();
    } else continue;
    const reply = presentReply(tx, hit.id)!;
    out.push({ type: 'reply.status', threadId: reply.threadId, reply });
  }
  return out;
}

function inOurDomain(messageId: string, ownAddress: string): boolean {
  return messageId.toLowerCase().endsWith(`@${messageIdDomain(ownAddress)}`);
}

/**
 * Our own reply coming back into the inbox (a Bcc, a list reflecting it, the Sent folder fed into
 * INBOX: L-09): the out message row it already is, or null. Judged by Message-ID in our outbox, not
 * by From alone, which lists rewrite and strangers forge.
 */
export function ownReplyComingBack(
  tx: Tx | Db,
  message: { messageId: string; from: { address: string }; headers: Map<string, string[]> },
  ownAddress: string | null,
): number | null {
  if (!ownAddress || !inOurDomain(message.messageId, ownAddress)) return null;
  const [hit] = outgoingByMessageIds(tx, [message.messageId]);
  if (!hit || hit.messageRowId === null) return null;
  const own = isOwnMessage(
    { messageId: message.messageId, from: message.from.address, headers: message.headers },
    { address: ownAddress, messageIdDomain: messageIdDomain(ownAddress), knownOutgoingIds: () => true },
  );
  return own ? hit.messageRowId : null;
}

/**
 * Threads of our replies that a message points at, through the outbox rather than the messages
 * table: a bounce names our Message-ID only inside its report, and our ids carry the thread even if
 * the out message was moved. Merged threads resolve to where their messages went.
 */
export function repliedThreadsReferenced(
  tx: Tx | Db,
  refs: string[],
  bounce: BounceReport | undefined,
  from?: { sender: string; ownAddress: string | null },
): { messageId: string; threadId: number }[] {
  const ownAddress = from?.ownAddress;
  if (!ownAddress) return [];
  // Every id we generate is in our domain: other ids need no lookup (this runs for every message).
  const ids = [...new Set([...refs, ...(bounce?.originalMessageIds ?? [])])].filter((id) =>
    inOurDomain(id, ownAddress),
  );
  if (ids.length === 0) return [];
  const hits = outgoingByMessageIds(tx, ids);
  const found = hits.map((hit) => ({ messageId: hit.messageId, threadId: liveThreadId(tx, hit.threadId) }));
  // An id in our format that our outbox no longer knows (a restored or pruned database): the thread id
  // inside it counts only for that conversation's own journalist, since anyone can write such an id.
  const domain = messageIdDomain(ownAddress);
  const known = new Set(hits.map((h) => h.messageId));
  for (const ref of ids) {
    if (known.has(ref)) continue;
    const claimed = threadIdFromReplyId(ref, domain);
    if (claimed === null) continue;
    const threadId = liveThreadId(tx, claimed);
    const contact = tx
      .select({ email: contacts.email })
      .from(threads)
      .innerJoin(contacts, eq(contacts.id, threads.contactId))
      .where(eq(threads.id, threadId))
      .get();
    if (contact && contact.email.toLowerCase() === from!.sender.toLowerCase())
      found.push({ messageId: ref, threadId });
  }
  return found;
}

export interface ReplyOfficeSettings {
  requireApproval: boolean;
  acknowledgement: { enabled: boolean; texts: Record<string, string> };
}

/** The office-wide reply settings: sign-off, and the automatic acknowledgement and its texts. */
export function readReplySettings(db: Db | Tx): ReplyOfficeSettings {
  const ack = db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, 'acknowledgement'))
    .get()?.value as { enabled?: boolean; texts?: Record<string, string> } | undefined;
  return {
    requireApproval: requiresApproval(db),
    acknowledgement: { enabled: ack?.enabled === true, texts: ack?.texts ?? {} },
  };
}

/** An admin changes the reply settings; omitted fields stay as they are. */
export function updateReplySettings(
  db: Db,
  patch: Partial<ReplyOfficeSettings>,
  actor: { id: number; role: string },
  now: Date,
): ReplyOfficeSettings {
  if (actor.role !== 'admin') throw new AppError('forbidden', 403, 'only an admin can change reply settings');
  return db.transaction((tx) => {
    const write = (key: string, value: unknown) =>
      tx
        .insert(settings)
        .values({ key, value, updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } })
        .run();
    if (patch.requireApproval !== undefined) write(REQUIRE_APPROVAL_KEY, patch.requireApproval);
    if (patch.acknowledgement !== undefined) write('acknowledgement', patch.acknowledgement);
    return readReplySettings(tx);
  });
}
