// Storing one outgoing message (a reply or an automatic acknowledgement) with its exact bytes.
import { eq, sql } from 'drizzle-orm';
import { attachments, blobs, messageRefs, messages, outbox, threads } from '../../../db/schema.ts';
import { contentHashOf } from '../../mail/parse.ts';
import type { Party } from '../../mail/smtp/reply-headers.ts';
import { presentReply } from '../../presenters/reply.ts';
import { presentThread, toApiMessage } from '../../presenters/thread.ts';
import type { Reply } from '../../schemas/api.ts';
import type { DomainEvent } from '../../schemas/realtime.ts';
import type { Tx } from '../append-events.ts';
import { indexMessage } from '../search-index.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type ReplyState = OutboxRow['state'];

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
