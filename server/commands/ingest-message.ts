import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { messages, notes, threads } from '../../db/schema.ts';
import {
  chooseThread,
  referencedIds,
  type SubjectCandidate,
  type ThreadDecision,
} from '../domain/threading.ts';
import { normalizeSubject } from '../domain/subject.ts';
import { sha256Hex as createContentHash, type ParsedMessage } from '../mail/parse.ts';
import { presentThread, toApiMessage } from '../presenters/thread.ts';
import { ingestStatements, type IngestStatements } from './ingest-statements.ts';
import { classifyMessage, type Classification } from '../domain/classify/index.ts';
import { extractDeadline } from '../domain/deadline/index.ts';
import { splitReplyHtml, splitReplyText, type SplitMessage } from '../domain/quotes/index.ts';
import { matchEnquiry } from '../releases/catalogue.ts';
import type { DomainEvent, SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents, type Tx } from './append-events.ts';
import { ownReplyComingBack, repliedThreadsReferenced } from './replies/outbox-lookup.ts';
import { recordReplyBounce, settleOwnReplyCopy } from './replies/reply-lifecycle.ts';
import { detectLanguage } from '../domain/language.ts';
import { indexMessage, outletOf } from './search-index.ts';
import { respectStaffThreading } from './thread-split.ts';

/** Where a message came from: an IMAP UID (the exactly-once key) or a file import. */
export type IngestSource =
  { kind: 'imap'; mailboxId: number; uidvalidity: number; uid: number } | { kind: 'import' };

export interface IngestOptions {
  /** The newsdesk's own address: mail from it is outgoing, not a new enquiry. */
  ownAddress: string | null;
  now: Date;
  /** The newsdesk's IANA time zone, for deadlines written without one. */
  timeZone?: string;
  /**
   * Store only: no classification, threading by subject, release link or deadline. The fallback for
   * a message that trips a bug in those steps, so it is still kept and shown, in a thread of its own.
   */
  minimal?: boolean;
  /** How far back the subject fallback looks for the same correspondent's conversation. */
  subjectWindowDays?: number;
}

export type IngestOutcome =
  | { status: 'stored'; messageRowId: number; threadId: number; events: SequencedEvent[] }
  | { status: 'already-stored'; messageRowId: number; events: SequencedEvent[] };

type Statements = IngestStatements;

function putBlob(st: Statements, sha256: string, data: Buffer): void {
  st.insertBlob.run({ sha256, size: data.length, data });
}

function advanceCheckpoint(st: Statements, source: IngestSource, now: Date): void {
  if (source.kind !== 'imap') return;
  st.advanceCheckpoint.run({
    uid: source.uid,
    uidvalidity: source.uidvalidity,
    now: now.getTime(),
    mailboxId: source.mailboxId,
  });
}

function recordLocation(st: Statements, source: IngestSource, messageRowId: number): void {
  if (source.kind !== 'imap') return;
  st.insertLocation.run({
    messageRowId,
    mailboxId: source.mailboxId,
    uidvalidity: source.uidvalidity,
    uid: source.uid,
  });
}

function upsertContact(st: Statements, address: string, name: string | null, now: Date): number | null {
  if (!address) return null;
  st.insertContact.run({ email: address, name, createdAt: now });
  const row = st.contactByEmail.get({ email: address });
  if (row && !row.name && name) st.nameContact.run({ name, id: row.id });
  return row?.id ?? null;
}

function findSubjectCandidates(st: Statements, base: string, since: Date): SubjectCandidate[] {
  if (!base) return [];
  return st.subjectCandidates.all({ base, since: since.getTime() }).map((r) => ({
    threadId: r.threadId,
    normalizedSubject: base,
    correspondents: r.email ? [r.email] : [],
    lastActivityAt: r.lastActivityAt,
  }));
}

/** Moves every message of `fromIds` into `intoId` and leaves the emptied threads as merge markers. */
function mergeThreads(tx: Tx, intoId: number, fromIds: number[], now: Date): void {
  if (fromIds.length === 0) return;
  tx.update(messages).set({ threadId: intoId }).where(inArray(messages.threadId, fromIds)).run();
  // Internal notes follow the conversation they were written on.
  tx.update(notes).set({ threadId: intoId }).where(inArray(notes.threadId, fromIds)).run();
  tx.update(threads)
    .set({ mergedInto: intoId, messageCount: 0, updatedAt: now })
    .where(inArray(threads.id, fromIds))
    .run();
  // Threads merged earlier into one of these now point at the survivor directly.
  tx.update(threads).set({ mergedInto: intoId }).where(inArray(threads.mergedInto, fromIds)).run();
}

function refreshThreadTotals(st: Statements, threadId: number, now: Date): void {
  const totals = st.threadTotals.get({ threadId });
  if (!totals) return;
  st.updateThreadTotals.run({
    count: totals.count,
    first: totals.first,
    last: totals.last,
    now: now.getTime(),
    threadId,
  });
}

/** A journalist wrote again: a thread we had answered or closed needs attention again. */
function reopenThread(tx: Tx, threadId: number, now: Date): void {
  tx.update(threads)
    .set({ status: 'open', updatedAt: now })
    .where(and(eq(threads.id, threadId), inArray(threads.status, ['waiting', 'answered', 'closed'])))
    .run();
}

/** Reads a deadline from the journalist's own new words, as a suggestion until staff set one. */
function suggestDeadline(
  tx: Tx,
  threadId: number,
  split: SplitMessage,
  sent: Date,
  timeZone: string,
  now: Date,
): void {
  const thread = tx
    .select({ deadline: threads.deadline })
    .from(threads)
    .where(eq(threads.id, threadId))
    .get();
  if (!thread || thread.deadline !== null) return;
  const found = extractDeadline(split.newText.slice(0, 4_000), sent, timeZone);
  if (!found) return;
  tx.update(threads)
    .set({ deadlineSuggestedAt: found.at, deadlineSuggestionText: found.text, updatedAt: now })
    .where(eq(threads.id, threadId))
    .run();
}

/**
 * The sender's new words apart from quoted history and signature, once per message for every step
 * that reads them. HTML-only mail keeps its quote structure (blockquote, gmail_quote…) only in the
 * HTML. Bounded: journalists write their own words first.
 */
function splitOwnWords(parsed: ParsedMessage): SplitMessage {
  return parsed.textFromHtml && parsed.html
    ? splitReplyHtml(parsed.html.slice(0, 200_000))
    : splitReplyText(parsed.text.slice(0, 20_000));
}

/**
 * Links the thread to the release this message is about. The first enquiry decides; a later
 * message changes the link only with stronger evidence; a link set by staff is never touched.
 */
function linkRelease(
  tx: Tx,
  db: Db,
  threadId: number,
  parsed: ParsedMessage,
  split: SplitMessage,
  now: Date,
): void {
  const thread = tx
    .select({
      releaseId: threads.releaseId,
      confidence: threads.matchConfidence,
      linkedBy: threads.releaseLinkedBy,
    })
    .from(threads)
    .where(eq(threads.id, threadId))
    .get();
  if (!thread || thread.linkedBy === 'staff') return;
  const quotedText = [split.quoted, split.signature].filter(Boolean).join('\n');
  const match = matchEnquiry(db, {
    subject: parsed.subject,
    newText: split.newText,
    quotedText,
    date: parsed.date,
  });
  if (!match) return;
  if (match.releaseId === null) {
    // Unlinked threads keep the best guess and why it was not enough, for staff who choose by hand.
    if (thread.releaseId === null) {
      tx.update(threads)
        .set({ matchConfidence: match.confidence, matchReason: match.reason })
        .where(eq(threads.id, threadId))
        .run();
    }
    return;
  }
  if (match.releaseId === thread.releaseId) return;
  if (thread.releaseId !== null && match.confidence <= (thread.confidence ?? 0)) return;
  tx.update(threads)
    .set({
      releaseId: match.releaseId,
      matchConfidence: match.confidence,
      matchReason: match.reason,
      releaseLinkedBy: 'auto',
      updatedAt: now,
    })
    .where(eq(threads.id, threadId))
    .run();
}

/** Our reply's self-copy arriving settles a send a crash left unrecorded (see settleOwnReplyCopy). */
function ownCopyEvents(tx: Tx, parsed: ParsedMessage, options: IngestOptions): SequencedEvent[] {
  const domainEvents = settleOwnReplyCopy(tx, parsed.messageId, options.ownAddress, options.now);
  return domainEvents.length ? appendEvents(tx, domainEvents, options.now) : [];
}

/**
 * Stores one parsed message exactly once, threads it, and advances the mailbox checkpoint, all in
 * one synchronous transaction (no I/O inside). Returns the committed events for the bus.
 */
export function ingestMessage(
  db: Db,
  parsed: ParsedMessage,
  source: IngestSource,
  options: IngestOptions,
): IngestOutcome {
  const { now } = options;
  const st = ingestStatements(db);
  return db.transaction((tx): IngestOutcome => {
    if (source.kind === 'imap') {
      const seen = st.locationOf.get({
        mailboxId: source.mailboxId,
        uidvalidity: source.uidvalidity,
        uid: source.uid,
      });
      if (seen) {
        advanceCheckpoint(st, source, now);
        return { status: 'already-stored', messageRowId: seen.messageRowId, events: [] };
      }
    }

    const identity = { messageId: parsed.messageId, contentHash: parsed.contentHash };
    const same = st.sameMessage.get(identity);
    if (same) {
      // A copy (second alias, another folder, a re-import): one logical message, one more location.
      recordLocation(st, source, same.id);
      advanceCheckpoint(st, source, now);
      return { status: 'already-stored', messageRowId: same.id, events: ownCopyEvents(tx, parsed, options) };
    }
    // Our own reply coming back (a Bcc, a list reflecting it, Sent fed into INBOX): the same message.
    const ownReply = options.minimal ? null : ownReplyComingBack(tx, parsed, options.ownAddress);
    if (ownReply !== null) {
      recordLocation(st, source, ownReply);
      advanceCheckpoint(st, source, now);
      return { status: 'already-stored', messageRowId: ownReply, events: ownCopyEvents(tx, parsed, options) };
    }
    const reusedMessageId = !parsed.messageIdSynthetic && st.otherContentSameId.get(identity) !== undefined;

    const direction = options.ownAddress && parsed.from.address === options.ownAddress ? 'out' : 'in';
    const classification: Classification = options.minimal
      ? { kind: 'human', suppressAutoAck: true, probable: false, reason: 'not classified' }
      : classifyMessage(parsed);
    const correspondent = direction === 'in' ? parsed.from : (parsed.to[0] ?? { name: null, address: '' });
    const subject = normalizeSubject(parsed.subject);
    const refs = referencedIds({
      messageId: parsed.messageId,
      inReplyTo: parsed.inReplyTo,
      references: parsed.references,
    });
    const referenced = [
      ...refs.flatMap((messageId) => st.threadsOfMessageId.all({ messageId })),
      // Our reply ids lead to their thread even when only a bounce report names them.
      ...repliedThreadsReferenced(tx, refs, classification.bounce, {
        sender: parsed.from.address,
        ownAddress: options.ownAddress,
      }),
    ];
    const referencing = st.threadsReferencing.all({ messageId: parsed.messageId });
    const windowDays = options.subjectWindowDays ?? 30;
    const automatic: ThreadDecision = options.minimal
      ? { kind: 'new' }
      : chooseThread(
          {
            messageId: parsed.messageId,
            inReplyTo: parsed.inReplyTo,
            references: parsed.references,
            subject: parsed.subject,
            correspondent: correspondent.address,
            date: parsed.date,
          },
          {
            referenced,
            referencing,
            subjectCandidates: findSubjectCandidates(
              st,
              subject.base,
              new Date(parsed.date.getTime() - windowDays * 86_400_000),
            ),
            now,
            windowDays,
          },
        );
    const decision = respectStaffThreading(tx, automatic, referenced);

    putBlob(st, parsed.rawSha256, parsed.raw);
    const contactId = upsertContact(st, correspondent.address, correspondent.name, now);

    let threadId: number;
    let threadCreated = false;
    if (decision.kind === 'existing') {
      threadId = decision.threadId;
      mergeThreads(tx, threadId, decision.mergeThreadIds, now);
    } else {
      threadCreated = true;
      threadId = st.insertThread.get({
        subject: parsed.subject,
        normalizedSubject: subject.base,
        contactId,
        date: parsed.date,
        now,
      })!.id;
    }

    const messageRow = st.insertMessage.get({
      messageId: parsed.messageId,
      messageIdSynthetic: parsed.messageIdSynthetic,
      contentHash: parsed.contentHash,
      rawSha256: parsed.rawSha256,
      size: parsed.raw.length,
      inReplyTo: parsed.inReplyTo[0] ?? null,
      references: parsed.references,
      fromAddress: parsed.from.address,
      fromName: parsed.from.name,
      to: parsed.to.map((a) => ({ address: a.address, ...(a.name ? { name: a.name } : {}) })),
      cc: parsed.cc.map((a) => ({ address: a.address, ...(a.name ? { name: a.name } : {}) })),
      subject: parsed.subject,
      date: parsed.date,
      dateHeaderValid: parsed.dateHeaderValid,
      text: parsed.text,
      html: parsed.html,
      language: detectLanguage(`${parsed.subject}\n${parsed.text}`),
      direction,
      kind: classification.kind,
      kindReason: classification.kind === 'human' ? null : classification.reason,
      kindProbable: classification.probable,
      auth: parsed.sender?.verdict?.summary ?? 'none',
      authDetail: (parsed.sender?.verdict as Record<string, unknown> | null | undefined) ?? null,
      senderTrust: parsed.sender
        ? { level: parsed.sender.trust.level, warnings: parsed.sender.trust.warnings }
        : null,
      duplicateMessageId: reusedMessageId,
      parseError: parsed.parseError,
      threadId,
      createdAt: now,
    })!;

    for (const refMessageId of refs) st.insertRef.run({ messageRowId: messageRow.id, refMessageId });
    indexMessage(tx, { ...messageRow, outlet: outletOf(tx, messageRow.fromAddress) });
    const files = parsed.attachments.map((file) => {
      const sha = createContentHash(file.content);
      putBlob(st, sha, file.content);
      return st.insertAttachment.get({
        messageRowId: messageRow.id,
        sha256: sha,
        filename: file.filename,
        contentType: file.contentType,
        size: file.content.length,
        contentId: file.contentId,
        disposition: file.disposition,
      })!;
    });
    recordLocation(st, source, messageRow.id);
    refreshThreadTotals(st, threadId, now);
    if (direction === 'in' && classification.kind === 'human' && !options.minimal) {
      // Only a person's words reopen a conversation; auto-replies and bounces never do.
      if (!threadCreated) reopenThread(tx, threadId, now);
      const split = splitOwnWords(parsed);
      if (!parsed.parseError) linkRelease(tx, db, threadId, parsed, split, now);
      suggestDeadline(tx, threadId, split, parsed.date, options.timeZone ?? 'Europe/London', now);
    }
    // A bounce of one of our replies marks it bounced (L-11).
    const replyEvents = classification.bounce ? recordReplyBounce(tx, classification.bounce, now) : [];
    advanceCheckpoint(st, source, now);

    const thread = presentThread(db, threadId);
    if (!thread) throw new Error(`thread ${threadId} vanished inside its own transaction`);
    const domainEvents: DomainEvent[] = [
      ...(decision.kind === 'existing'
        ? decision.mergeThreadIds.map((id): DomainEvent => ({
            type: 'thread.merged',
            threadId: id,
            into: threadId,
          }))
        : []),
      { type: threadCreated ? 'thread.created' : 'thread.updated', thread },
      { type: 'message.created', threadId, message: toApiMessage(messageRow, files) },
      ...replyEvents,
    ];
    return {
      status: 'stored',
      messageRowId: messageRow.id,
      threadId,
      events: appendEvents(db, domainEvents, now),
    };
  });
}
