// Writing a reply: the exact bytes fixed up front, the collision guard (the thread changed since the
// officer opened it) and the Reply-To choice. One synchronous transaction appends its events; callers
// publish them after the commit.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { attachments, blobs, events, messages, outbox, threads, users } from '../../../db/schema.ts';
import { AppError } from '../../errors.ts';
import addressparser from 'nodemailer/lib/addressparser';
import { readRawHeaders, sha256Hex } from '../../mail/parse.ts';
import { composeReplyBytes, type ReplyAttachment } from '../../mail/smtp/compose-reply.ts';
import {
  deliverableAddress,
  messageIdDomain,
  quotedOriginal,
  referencesChain,
  replyMessageId,
  replyRecipients,
  replySubject,
  safeDisplayName,
  type Party,
} from '../../mail/smtp/reply-headers.ts';
import { renderSimpleFormat } from '../../domain/simple-format.ts';
import { presentReply } from '../../presenters/reply.ts';
import type { Reply, ThreadChange } from '../../schemas/api.ts';
import type { SequencedEvent } from '../../schemas/realtime.ts';
import { appendEvents, type Tx } from '../append-events.ts';
import { MAX_ATTACHMENT_BYTES, uploadsOf } from '../upload-file.ts';
import { storeOutgoing, type OutboxRow, type ReplyState } from './outgoing-store.ts';
import { requiresApproval, type ReplySettings } from './reply-settings.ts';

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
