import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  attachments,
  blobs,
  contacts,
  mailboxes,
  messageLocations,
  messageRefs,
  messages,
  threads,
} from '../../db/schema.ts';

const p = (name: string) => sql.placeholder(name);

/**
 * Every statement the ingest path runs, prepared once per database. Building SQL text and preparing
 * it again for each message cost more than running it (measured: over half of ingest time).
 * Insert values are encoded by their columns; where-clause and update placeholders take driver
 * values (ms timestamps, 0/1).
 */
function prepare(db: Db) {
  return {
    locationOf: db
      .select({ messageRowId: messageLocations.messageRowId })
      .from(messageLocations)
      .where(
        and(
          eq(messageLocations.mailboxId, p('mailboxId')),
          eq(messageLocations.uidvalidity, p('uidvalidity')),
          eq(messageLocations.uid, p('uid')),
        ),
      )
      .prepare(),
    sameMessage: db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.messageId, p('messageId')), eq(messages.contentHash, p('contentHash'))))
      .prepare(),
    otherContentSameId: db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.messageId, p('messageId')), ne(messages.contentHash, p('contentHash'))))
      .limit(1)
      .prepare(),
    threadsOfMessageId: db
      .select({ messageId: messages.messageId, threadId: messages.threadId })
      .from(messages)
      .where(eq(messages.messageId, p('messageId')))
      .prepare(),
    threadsReferencing: db
      .selectDistinct({ threadId: messages.threadId })
      .from(messageRefs)
      .innerJoin(messages, eq(messages.id, messageRefs.messageRowId))
      .where(eq(messageRefs.refMessageId, p('messageId')))
      .prepare(),
    subjectCandidates: db
      .select({ threadId: threads.id, lastActivityAt: threads.lastActivityAt, email: contacts.email })
      .from(threads)
      .leftJoin(contacts, eq(contacts.id, threads.contactId))
      .where(
        and(
          eq(threads.normalizedSubject, p('base')),
          isNull(threads.mergedInto),
          gt(threads.lastActivityAt, p('since')),
        ),
      )
      .orderBy(desc(threads.lastActivityAt))
      .limit(50)
      .prepare(),
    insertBlob: db
      .insert(blobs)
      .values({ sha256: p('sha256'), size: p('size'), data: p('data') })
      .onConflictDoNothing()
      .prepare(),
    insertContact: db
      .insert(contacts)
      .values({ email: p('email'), name: p('name'), createdAt: p('createdAt') })
      .onConflictDoNothing()
      .prepare(),
    contactByEmail: db
      .select({ id: contacts.id, name: contacts.name })
      .from(contacts)
      .where(eq(contacts.email, p('email')))
      .prepare(),
    nameContact: db
      .update(contacts)
      .set({ name: sql`${p('name')}` })
      .where(eq(contacts.id, p('id')))
      .prepare(),
    insertThread: db
      .insert(threads)
      .values({
        subject: p('subject'),
        normalizedSubject: p('normalizedSubject'),
        contactId: p('contactId'),
        firstMessageAt: p('date'),
        lastActivityAt: p('date'),
        createdAt: p('now'),
        updatedAt: p('now'),
      })
      .returning({ id: threads.id })
      .prepare(),
    insertMessage: db
      .insert(messages)
      .values({
        messageId: p('messageId'),
        messageIdSynthetic: p('messageIdSynthetic'),
        contentHash: p('contentHash'),
        rawSha256: p('rawSha256'),
        size: p('size'),
        inReplyTo: p('inReplyTo'),
        references: p('references'),
        fromAddress: p('fromAddress'),
        fromName: p('fromName'),
        to: p('to'),
        cc: p('cc'),
        subject: p('subject'),
        date: p('date'),
        dateHeaderValid: p('dateHeaderValid'),
        text: p('text'),
        language: p('language'),
        html: p('html'),
        direction: p('direction'),
        kind: p('kind'),
        kindReason: p('kindReason'),
        kindProbable: p('kindProbable'),
        auth: p('auth'),
        authDetail: p('authDetail'),
        senderTrust: p('senderTrust'),
        duplicateMessageId: p('duplicateMessageId'),
        parseError: p('parseError'),
        threadId: p('threadId'),
        createdAt: p('createdAt'),
      })
      .returning()
      .prepare(),
    insertRef: db
      .insert(messageRefs)
      .values({ messageRowId: p('messageRowId'), refMessageId: p('refMessageId') })
      .prepare(),
    insertAttachment: db
      .insert(attachments)
      .values({
        messageRowId: p('messageRowId'),
        sha256: p('sha256'),
        filename: p('filename'),
        contentType: p('contentType'),
        size: p('size'),
        contentId: p('contentId'),
        disposition: p('disposition'),
      })
      .returning()
      .prepare(),
    insertLocation: db
      .insert(messageLocations)
      .values({
        messageRowId: p('messageRowId'),
        mailboxId: p('mailboxId'),
        uidvalidity: p('uidvalidity'),
        uid: p('uid'),
      })
      .onConflictDoNothing()
      .prepare(),
    threadTotals: db
      .select({
        count: sql<number>`count(*)`,
        first: sql<number>`min(${messages.date})`,
        last: sql<number>`max(${messages.date})`,
      })
      .from(messages)
      .where(eq(messages.threadId, p('threadId')))
      .prepare(),
    updateThreadTotals: db
      .update(threads)
      .set({
        messageCount: sql`${p('count')}`,
        firstMessageAt: sql`${p('first')}`,
        // Activity never moves backwards: a late-arriving old message must not sink a busy thread.
        lastActivityAt: sql`max(${threads.lastActivityAt}, ${p('last')})`,
        updatedAt: sql`${p('now')}`,
      })
      .where(eq(threads.id, p('threadId')))
      .prepare(),
    advanceCheckpoint: db
      .update(mailboxes)
      // max() keeps the checkpoint monotonic even if a batch were ever applied out of order.
      .set({
        lastUid: sql`max(${mailboxes.lastUid}, ${p('uid')})`,
        uidvalidity: sql`${p('uidvalidity')}`,
        updatedAt: sql`${p('now')}`,
      })
      .where(eq(mailboxes.id, p('mailboxId')))
      .prepare(),
  };
}

export type IngestStatements = ReturnType<typeof prepare>;

const cache = new WeakMap<Db, IngestStatements>();

/** The prepared statements for this database, made on first use. */
export function ingestStatements(db: Db): IngestStatements {
  let statements = cache.get(db);
  if (!statements) {
    statements = prepare(db);
    cache.set(db, statements);
  }
  return statements;
}
