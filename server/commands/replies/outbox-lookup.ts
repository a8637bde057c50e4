// Ingest-side lookups: our own mail coming back, and the threads of our replies that a message points at.
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { contacts, outbox, threads } from '../../../db/schema.ts';
import { isOwnMessage, type BounceReport } from '../../domain/classify/index.ts';
import { messageIdDomain, threadIdFromReplyId } from '../../mail/smtp/reply-headers.ts';
import type { Tx } from '../append-events.ts';

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

export function inOurDomain(messageId: string, ownAddress: string): boolean {
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
