import { sql } from 'drizzle-orm';
import { blob, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Content-addressed bytes (raw messages, attachments): kept in the db so a backup is one file. */
export const blobs = sqliteTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
});

/** One watched IMAP folder and Newsdesk's own checkpoint in it. */
export const mailboxes = sqliteTable(
  'mailboxes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    account: text('account').notNull(), // user@host:port, never the password
    folder: text('folder').notNull(),
    address: text('address').notNull(),
    uidvalidity: integer('uidvalidity'),
    lastUid: integer('last_uid').notNull().default(0),
    highestModseq: text('highest_modseq'),
    state: text('state').notNull().default('idle'),
    lastError: text('last_error'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('mailboxes_account_folder').on(t.account, t.folder)],
);

export const contacts = sqliteTable('contacts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name'),
  outlet: text('outlet'),
  language: text('language'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'staff'] })
    .notNull()
    .default('staff'),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    // sha256 of the cookie token: a leaked db does not leak live sessions.
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** A published press release, speech or statement that enquiries refer to. */
export const releases = sqliteTable(
  'releases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    url: text('url').notNull().unique(),
    title: text('title').notNull(),
    language: text('language').notNull(),
    publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull(),
    body: text('body').notNull().default(''),
    // Translations of one statement share the id of the original; an original's family is itself.
    familyId: integer('family_id'),
    // Kept so a translation imported before its original joins the family when the original arrives.
    translationOfUrl: text('translation_of_url'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('releases_family').on(t.familyId)],
);

/** A conversation with a journalist (= an enquiry). */
export const threads = sqliteTable(
  'threads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subject: text('subject').notNull(),
    normalizedSubject: text('normalized_subject').notNull(),
    contactId: integer('contact_id').references(() => contacts.id),
    status: text('status', { enum: ['new', 'open', 'waiting', 'answered', 'closed'] })
      .notNull()
      .default('new'),
    assigneeId: integer('assignee_id').references(() => users.id),
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] })
      .notNull()
      .default('normal'),
    deadline: integer('deadline', { mode: 'timestamp_ms' }),
    // A deadline read from the journalist's words, for staff to accept or change.
    deadlineSuggestedAt: integer('deadline_suggested_at', { mode: 'timestamp_ms' }),
    deadlineSuggestionText: text('deadline_suggestion_text'),
    tags: text('tags', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    releaseId: integer('release_id').references(() => releases.id, { onDelete: 'set null' }),
    matchConfidence: real('match_confidence'),
    matchReason: text('match_reason'),
    // 'staff' once a person set or cleared the link: automatic matching never overrides it.
    releaseLinkedBy: text('release_linked_by', { enum: ['auto', 'staff'] }),
    messageCount: integer('message_count').notNull().default(0),
    firstMessageAt: integer('first_message_at', { mode: 'timestamp_ms' }).notNull(),
    lastActivityAt: integer('last_activity_at', { mode: 'timestamp_ms' }).notNull(),
    // Set when staff or a linking message merged this thread into another; its messages moved there.
    mergedInto: integer('merged_into'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('threads_last_activity').on(t.lastActivityAt, t.id),
    index('threads_subject').on(t.normalizedSubject),
    index('threads_release').on(t.releaseId),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Synthesised from the content hash when the header is absent; not unique on its own.
    messageId: text('message_id').notNull(),
    messageIdSynthetic: integer('message_id_synthetic', { mode: 'boolean' }).notNull().default(false),
    // Hash of the message without its trace headers: the same mail delivered twice hashes the same.
    contentHash: text('content_hash').notNull(),
    rawSha256: text('raw_sha256')
      .notNull()
      .references(() => blobs.sha256),
    size: integer('size').notNull(),
    inReplyTo: text('in_reply_to'),
    references: text('references', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name'),
    to: text('to', { mode: 'json' })
      .$type<{ name?: string; address: string }[]>()
      .notNull()
      .default(sql`'[]'`),
    cc: text('cc', { mode: 'json' })
      .$type<{ name?: string; address: string }[]>()
      .notNull()
      .default(sql`'[]'`),
    subject: text('subject').notNull().default(''),
    // The Date header when plausible, else the server's INTERNALDATE (or ingest time).
    date: integer('date', { mode: 'timestamp_ms' }).notNull(),
    dateHeaderValid: integer('date_header_valid', { mode: 'boolean' }).notNull().default(true),
    text: text('text').notNull().default(''),
    html: text('html'),
    language: text('language'),
    direction: text('direction', { enum: ['in', 'out'] })
      .notNull()
      .default('in'),
    kind: text('kind', { enum: ['human', 'auto-reply', 'bounce', 'list', 'abuse-report'] })
      .notNull()
      .default('human'),
    // Why the kind was chosen ("Auto-Submitted: auto-replied"); "probably automatic" when only guessed.
    kindReason: text('kind_reason'),
    kindProbable: integer('kind_probable', { mode: 'boolean' }).notNull().default(false),
    auth: text('auth').notNull().default('none'),
    // The full DKIM/SPF/DMARC/ARC verdict, and what it means for the person reading the message.
    authDetail: text('auth_detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    senderTrust: text('sender_trust', { mode: 'json' }).$type<{
      level: string;
      warnings: { code: string; message: string }[];
    }>(),
    // Another message already holds this Message-ID with different content (a reuse, or an attack).
    duplicateMessageId: integer('duplicate_message_id', { mode: 'boolean' }).notNull().default(false),
    parseError: text('parse_error'),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('messages_message_id').on(t.messageId),
    index('messages_thread').on(t.threadId, t.date),
    uniqueIndex('messages_identity').on(t.messageId, t.contentHash),
  ],
);

/** Where a stored message was seen: (mailbox, uidvalidity, uid) is the exactly-once key. */
export const messageLocations = sqliteTable(
  'message_locations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageRowId: integer('message_row_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    mailboxId: integer('mailbox_id')
      .notNull()
      .references(() => mailboxes.id),
    uidvalidity: integer('uidvalidity').notNull(),
    uid: integer('uid').notNull(),
  },
  (t) => [uniqueIndex('message_locations_key').on(t.mailboxId, t.uidvalidity, t.uid)],
);

/** Every Message-ID a message points at (In-Reply-To and References), to find parents and children. */
export const messageRefs = sqliteTable(
  'message_refs',
  {
    messageRowId: integer('message_row_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    refMessageId: text('ref_message_id').notNull(),
  },
  (t) => [index('message_refs_ref').on(t.refMessageId), index('message_refs_row').on(t.messageRowId)],
);

export const attachments = sqliteTable(
  'attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageRowId: integer('message_row_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    sha256: text('sha256')
      .notNull()
      .references(() => blobs.sha256),
    filename: text('filename'),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    contentId: text('content_id'),
    disposition: text('disposition'),
  },
  (t) => [index('attachments_message').on(t.messageRowId)],
);

/** Audit trail and realtime log: `seq` is what a reconnecting websocket client resumes from. */
export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    type: text('type').notNull(),
    threadId: integer('thread_id'),
    actorUserId: integer('actor_user_id'),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('events_thread').on(t.threadId)],
);
