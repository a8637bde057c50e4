import { sql } from 'drizzle-orm';
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

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
  // The UI language the officer chose ('en' or 'ar': Arabic gets a right-to-left layout).
  language: text('language').notNull().default('en'),
  // Appended to the officer's replies.
  signature: text('signature').notNull().default(''),
  // May approve replies when a mailbox requires sign-off.
  canApprove: integer('can_approve', { mode: 'boolean' }).notNull().default(false),
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
    // When the first reply to the journalist went out: the basis of first-response times.
    firstResponseAt: integer('first_response_at', { mode: 'timestamp_ms' }),
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
    // Staff moved this message (split or merge): automatic threading never moves it again.
    threadSetByStaff: integer('thread_set_by_staff', { mode: 'boolean' }).notNull().default(false),
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

/** Internal notes on a thread: staff only, never sent. */
export const notes = sqliteTable(
  'notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id),
    authorUserId: integer('author_user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('notes_thread').on(t.threadId, t.createdAt)],
);

/** Per-officer read state: a thread is unread when it had inbound activity after `readAt`. */
export const threadReads = sqliteTable(
  'thread_reads',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id),
    readAt: integer('read_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.threadId] })],
);

/** A reply being written, saved as the officer types and visible to colleagues on the thread. */
export const drafts = sqliteTable(
  'drafts',
  {
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull().default(''),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
);

/** Saved replies, and a release's "lines to take" when `releaseId` is set. Bodies may hold {variables}. */
export const savedReplies = sqliteTable(
  'saved_replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    language: text('language').notNull(),
    body: text('body').notNull(),
    releaseId: integer('release_id').references(() => releases.id, { onDelete: 'cascade' }),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('saved_replies_release').on(t.releaseId)],
);

/**
 * Outgoing mail. The row, its Message-ID and its exact bytes are fixed before any SMTP attempt, so a
 * retry after a crash sends the same message and the Sent folder can be searched for it.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['reply', 'acknowledgement'] })
      .notNull()
      .default('reply'),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id),
    // The 'out' message shown in the thread (and found by threading when the journalist answers).
    messageRowId: integer('message_row_id').references(() => messages.id),
    authorUserId: integer('author_user_id').references(() => users.id),
    // A retried POST with the same key returns the first reply instead of sending a second.
    idempotencyKey: text('idempotency_key'),
    messageId: text('message_id').notNull().unique(),
    rawSha256: text('raw_sha256')
      .notNull()
      .references(() => blobs.sha256),
    envelopeFrom: text('envelope_from').notNull(),
    recipients: text('recipients', { mode: 'json' }).$type<string[]>().notNull(),
    state: text('state', {
      enum: [
        'held',
        'awaiting-approval',
        'queued',
        'sending',
        'retrying',
        'sent',
        'failed',
        'bounced',
        'cancelled',
      ],
    }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    // Not before this time: the undo-send window, then the retry backoff.
    sendAfter: integer('send_after', { mode: 'timestamp_ms' }).notNull(),
    lastError: text('last_error'),
    smtpResponse: text('smtp_response'),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    sentCopy: text('sent_copy', { enum: ['pending', 'appended', 'failed', 'not-wanted'] })
      .notNull()
      .default('pending'),
    sentCopyError: text('sent_copy_error'),
    // The thread status once sent: 'answered', or 'waiting' when the officer says more is coming.
    statusAfterSend: text('status_after_send', { enum: ['answered', 'waiting'] })
      .notNull()
      .default('answered'),
    approvedByUserId: integer('approved_by_user_id').references(() => users.id),
    returnNote: text('return_note'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('outbox_idempotency').on(t.authorUserId, t.idempotencyKey),
    index('outbox_due').on(t.state, t.sendAfter),
    index('outbox_thread').on(t.threadId),
  ],
);

/** Senders whose remote images staff chose to show. */
export const imageSenders = sqliteTable('image_senders', {
  address: text('address').primaryKey(),
  allowedByUserId: integer('allowed_by_user_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Office-wide settings changed at run time (acknowledgements, sign-off), as JSON values. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** A file an officer uploaded to attach to a reply: the bytes are a blob, attached by id. */
export const uploads = sqliteTable('uploads', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  sha256: text('sha256')
    .notNull()
    .references(() => blobs.sha256),
  filename: text('filename').notNull(),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  uploadedByUserId: integer('uploaded_by_user_id')
    .notNull()
    .references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});
