// Optional automatic acknowledgement of a new enquiry, with its reference number (issue 6; BAD-INPUTS
// L-08, L-10, L-15). Never to auto-replies, bounces, lists or null senders, at most once per thread
// and a few times a day per sender, marked as automatic, sent with a null reverse-path.
import { randomBytes } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { blobs, messages, outbox, settings, threads } from '../../db/schema.ts';
import { classifyMessage } from '../domain/classify/index.ts';
import { parseMessage, sha256Hex } from '../mail/parse.ts';
import { composeReplyBytes } from '../mail/smtp/compose-reply.ts';
import {
  deliverableAddress,
  messageIdDomain,
  referencesChain,
  replyMessageId,
  replySubject,
  safeDisplayName,
} from '../mail/smtp/reply-headers.ts';
import type { SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents } from './append-events.ts';
import { storeOutgoing } from './replies/outgoing-store.ts';
import type { ReplySettings } from './replies/reply-settings.ts';

/** The setting: `{ enabled, texts: { en: "…", ar: "…" } }`; `{reference}` and `{name}` are filled in. */
export const ACKNOWLEDGEMENT_KEY = 'acknowledgement';

export interface AcknowledgementSetting {
  enabled: boolean;
  texts?: Record<string, string>;
}

const DEFAULT_TEXTS: Record<string, string> = {
  en: 'Thank you for your enquiry. We have received it and a press officer will reply as soon as possible.\n\nYour reference: {reference}',
  ar: 'شكراً لاستفسارك. لقد تلقيناه وسيرد عليك أحد موظفي المكتب الصحفي في أقرب وقت ممكن.\n\nالرقم المرجعي: {reference}',
};

/** At most this many acknowledgements to one address per day: a responder that opens a new thread
 * each time cannot ping-pong with us (L-10); the outbox is the counter, so it survives restarts. */
const MAX_PER_SENDER_PER_DAY = 3;
/** Mail older than this is backfill or an import: acknowledging it now would only confuse. */
const FRESH_MS = 60 * 60_000;
const DAY_MS = 86_400_000;
const ROLE_SENDER = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@.-]|$)/i;

/** The reference number quoted to the journalist: stable per thread. */
export function referenceNumber(threadId: number): string {
  return `ND-${String(threadId).padStart(6, '0')}`;
}

function setting(db: Db): AcknowledgementSetting | null {
  const row = db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, ACKNOWLEDGEMENT_KEY))
    .get();
  const value = row?.value as AcknowledgementSetting | undefined;
  return value && value.enabled === true ? value : null;
}

export type AcknowledgementOutcome =
  { sent: false; reason: string } | { sent: true; replyId: number; events: SequencedEvent[] };

/**
 * Queues an acknowledgement for a thread just created by inbound mail, when the office wants them and
 * the mail is a person's. Runs after the ingest commit (from its event): if the process dies in
 * between, the journalist simply gets no acknowledgement, never two.
 */
export async function acknowledgeNewEnquiry(
  db: Db,
  threadId: number,
  replySettings: ReplySettings,
  now: Date,
): Promise<AcknowledgementOutcome> {
  const wanted = setting(db);
  if (!wanted) return { sent: false, reason: 'acknowledgements are off' };
  const first = db
    .select()
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .orderBy(asc(messages.date), asc(messages.id))
    .limit(1)
    .get();
  if (!first || first.direction !== 'in') return { sent: false, reason: 'not an inbound enquiry' };
  if (first.kind !== 'human' || first.kindProbable)
    return { sent: false, reason: `not a person (${first.kind})` };
  if (now.getTime() - first.createdAt.getTime() > FRESH_MS || now.getTime() - first.date.getTime() > FRESH_MS)
    return { sent: false, reason: 'not fresh mail' };
  const to = deliverableAddress(first.fromAddress);
  if (!to || to.toLowerCase() === replySettings.ownAddress.toLowerCase() || ROLE_SENDER.test(to))
    return { sent: false, reason: 'no address a person reads' };

  // Human mail can still ask for no automatic answer (X-Auto-Response-Suppress, Precedence: L-06).
  const blob = db.select({ data: blobs.data }).from(blobs).where(eq(blobs.sha256, first.rawSha256)).get();
  if (!blob) return { sent: false, reason: 'original missing' };
  const parsed = await parseMessage(blob.data, { now });
  if (classifyMessage(parsed).suppressAutoAck)
    return { sent: false, reason: 'the sender asked for no automatic replies' };

  const since = now.getTime() - DAY_MS;
  const recent = db
    .select({ n: sql<number>`count(*)` })
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, 'acknowledgement'),
        gt(outbox.createdAt, new Date(since)),
        sql`exists (select 1 from json_each(${outbox.recipients}) where lower(value) = ${to.toLowerCase()})`,
      ),
    )
    .get();
  if ((recent?.n ?? 0) >= MAX_PER_SENDER_PER_DAY)
    return { sent: false, reason: 'daily limit for this sender' };

  const thread = db.select({ subject: threads.subject }).from(threads).where(eq(threads.id, threadId)).get();
  const reference = referenceNumber(threadId);
  const texts = { ...DEFAULT_TEXTS, ...(wanted.texts ?? {}) };
  const language = first.language && texts[first.language] ? first.language : 'en';
  const text = (texts[language] ?? DEFAULT_TEXTS.en!)
    .replaceAll('{reference}', reference)
    .replaceAll('{name}', safeDisplayName(first.fromName) || to);
  const parentId = first.messageIdSynthetic ? null : first.messageId;
  const references = referencesChain(first.messageIdSynthetic ? [] : first.references, parentId);
  const subject = `${replySubject(first.subject || thread?.subject || '')} [${reference}]`;
  const messageId = replyMessageId(
    threadId,
    randomBytes(12).toString('hex'),
    messageIdDomain(replySettings.ownAddress),
  );
  const from = { name: safeDisplayName(replySettings.officeName), address: replySettings.ownAddress };
  const recipient = { name: safeDisplayName(first.fromName) || null, address: to };
  const raw = await composeReplyBytes({
    messageId,
    from,
    to: [recipient],
    cc: [],
    subject,
    text: `${text}\n`,
    inReplyTo: parentId,
    references,
    date: now,
    attachments: [],
    // RFC 3834 §5: automatic answers say so, and ask Exchange not to answer them in turn (L-08).
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });

  return db.transaction((tx): AcknowledgementOutcome => {
    // One per thread, whatever races: the key is the thread.
    const key = `ack:${threadId}`;
    const existing = tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.kind, 'acknowledgement'), eq(outbox.idempotencyKey, key)))
      .get();
    if (existing) return { sent: false, reason: 'already acknowledged' };
    const stored = storeOutgoing(tx, {
      kind: 'acknowledgement',
      threadId,
      author: null,
      idempotencyKey: key,
      messageId,
      raw,
      rawSha256: sha256Hex(raw),
      parentId,
      references,
      from,
      to: [recipient],
      cc: [],
      subject,
      text: `${text}\n`,
      files: [],
      // RFC 5321 §4.5.5: a null reverse-path, so nothing ever answers an acknowledgement's bounce.
      envelopeFrom: '',
      state: 'queued',
      sendAfter: now,
      keepSentCopy: replySettings.keepSentCopy,
      statusAfterSend: 'answered',
      now,
    });
    return { sent: true, replyId: stored.reply.id, events: appendEvents(tx, stored.domainEvents, now) };
  });
}
