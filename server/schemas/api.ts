import { Type, type Static } from '@sinclair/typebox';

/** Errors are `{ error: { code, message } }` everywhere; codes are stable, messages are for people. */
export const ErrorSchema = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { $id: 'Error' },
);
export type ApiError = Static<typeof ErrorSchema>;

export const UserSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('staff')]),
});
export type User = Static<typeof UserSchema>;

export const LoginBodySchema = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const SessionSchema = Type.Object({ user: UserSchema });

export const MailboxHealthSchema = Type.Object({
  address: Type.String(),
  state: Type.String(),
  lastError: Type.Optional(Type.String()),
  // 'outgoing': sending replies from `address` is retrying or failing (listed only then).
  kind: Type.Optional(Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')])),
});

export const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  mailboxes: Type.Array(MailboxHealthSchema),
  // False when no NEWSDESK_IMAP_URL is set: the UI says so instead of showing an empty inbox.
  mailConfigured: Type.Boolean(),
  // True until the first staff account exists, so the sign-in page can say how to create one.
  needsAdmin: Type.Boolean(),
});
export type Health = Static<typeof HealthSchema>;

export const AddressSchema = Type.Object({
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.String(),
});
export type Address = Static<typeof AddressSchema>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ThreadStatusSchema = Type.Union([
  Type.Literal('new'),
  Type.Literal('open'),
  Type.Literal('waiting'),
  Type.Literal('answered'),
  Type.Literal('closed'),
]);

export const ThreadPrioritySchema = Type.Union([
  Type.Literal('low'),
  Type.Literal('normal'),
  Type.Literal('high'),
  Type.Literal('urgent'),
]);
export type ThreadPriority = Static<typeof ThreadPrioritySchema>;

export const ThreadSummarySchema = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  status: ThreadStatusSchema,
  priority: ThreadPrioritySchema,
  assignee: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  deadline: Nullable(Type.String({ format: 'date-time' })),
  // Read from the journalist's words ("by 5pm UK time"); staff accept it by setting `deadline`.
  deadlineSuggestion: Nullable(
    Type.Object({ at: Type.String({ format: 'date-time' }), text: Type.String() }),
  ),
  tags: Type.Array(Type.String()),
  correspondent: Nullable(AddressSchema),
  messageCount: Type.Integer(),
  firstMessageAt: Type.String({ format: 'date-time' }),
  lastActivityAt: Type.String({ format: 'date-time' }),
  snippet: Type.String(),
  release: Nullable(Type.Object({ id: Type.Integer(), url: Type.String(), title: Type.String() })),
  match: Nullable(Type.Object({ confidence: Type.Number(), reason: Type.String() })),
  // Language of the journalist's first message ('en', 'ar', …), null when not detected.
  language: Nullable(Type.String()),
  // The latest human inbound message: unread for an officer when later than their `readAt`.
  lastInboundAt: Nullable(Type.String({ format: 'date-time' })),
  // Only in HTTP responses, for the officer asking (null: never read). Websocket events omit it, so
  // a client keeps the value it already has: unread = lastInboundAt > readAt.
  readAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
});
export type ThreadSummary = Static<typeof ThreadSummarySchema>;

export const ReplyStateSchema = Type.Union([
  Type.Literal('held'),
  Type.Literal('awaiting-approval'),
  Type.Literal('queued'),
  Type.Literal('sending'),
  Type.Literal('retrying'),
  Type.Literal('sent'),
  Type.Literal('failed'),
  Type.Literal('bounced'),
  Type.Literal('cancelled'),
]);

/** An outgoing reply and where it is on its way: held for undo, awaiting approval, sending, sent… */
export const ReplySchema = Type.Object({
  id: Type.Integer(),
  threadId: Type.Integer(),
  messageRowId: Nullable(Type.Integer()),
  state: ReplyStateSchema,
  attempts: Type.Integer(),
  // The mail server's words for the last failure, or the bounce's status text.
  lastError: Nullable(Type.String()),
  // Not sent before this time: the end of the undo window, then of the retry backoff.
  sendAfter: Type.String({ format: 'date-time' }),
  sentAt: Nullable(Type.String({ format: 'date-time' })),
  author: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  // The copy in the mailbox's Sent folder.
  sentCopy: Type.Union([
    Type.Literal('pending'),
    Type.Literal('appended'),
    Type.Literal('failed'),
    Type.Literal('not-wanted'),
  ]),
  returnNote: Nullable(Type.String()),
});
export type Reply = Static<typeof ReplySchema>;

export const MessageSchema = Type.Object({
  id: Type.Integer(),
  messageId: Type.String(),
  from: AddressSchema,
  to: Type.Array(AddressSchema),
  cc: Type.Array(AddressSchema),
  date: Type.String({ format: 'date-time' }),
  dateHeaderValid: Type.Boolean(),
  subject: Type.String(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  kind: Type.String(),
  kindReason: Nullable(Type.String()),
  kindProbable: Type.Boolean(),
  auth: Type.String(),
  // "verified", "unverified" or "possible-spoof", with sentences saying why; null before verification existed.
  senderTrust: Nullable(
    Type.Object({
      level: Type.String(),
      warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
    }),
  ),
  text: Type.String(),
  inReplyTo: Nullable(Type.String()),
  duplicateMessageId: Type.Boolean(),
  parseError: Nullable(Type.String()),
  // An HTML body exists: shown only in a sandboxed frame from GET /api/messages/:id/html.
  hasHtml: Type.Optional(Type.Boolean()),
  // `text` in order as new words, quoted history, forwarded mail and signature, for the UI to fold;
  // absent when it is all new words.
  fragments: Type.Optional(
    Type.Array(
      Type.Object({
        kind: Type.Union([
          Type.Literal('new'),
          Type.Literal('quoted'),
          Type.Literal('signature'),
          Type.Literal('forwarded'),
        ]),
        text: Type.String(),
      }),
    ),
  ),
  // Outgoing messages written in Newsdesk: the reply's delivery state.
  reply: Type.Optional(Nullable(ReplySchema)),
  attachments: Type.Array(
    Type.Object({
      id: Type.Integer(),
      filename: Nullable(Type.String()),
      contentType: Type.String(),
      size: Type.Integer(),
    }),
  ),
});
export type Message = Static<typeof MessageSchema>;

export const ThreadViewSchema = Type.Union([
  Type.Literal('all'),
  Type.Literal('mine'),
  Type.Literal('unassigned'),
  Type.Literal('unlinked'),
]);
export type ThreadView = Static<typeof ThreadViewSchema>;

/**
 * Threads with a deadline come first (soonest first), then the rest by last activity, newest first.
 * Merged threads are never listed.
 */
export const ThreadListQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  // Opaque cursor from the previous page's `nextCursor` (only valid with the same filters).
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
  view: Type.Optional(ThreadViewSchema),
  // Any release of a translation family selects the whole family's enquiries.
  releaseId: Type.Optional(Type.Integer({ minimum: 1 })),
  // Comma-separated statuses, e.g. "new,open".
  status: Type.Optional(
    Type.String({
      maxLength: 100,
      pattern: '^(new|open|waiting|answered|closed)(,(new|open|waiting|answered|closed))*$',
    }),
  ),
  language: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  deadline: Type.Optional(Type.Union([Type.Literal('overdue'), Type.Literal('today')])),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
export type ThreadListQuery = Static<typeof ThreadListQuerySchema>;

/**
 * Sidebar counts of live (unmerged) threads. `statuses` counts every thread; everything else counts
 * only active ones (new, open, waiting). `releases` is keyed by translation family.
 */
export const ThreadCountsSchema = Type.Object({
  views: Type.Object({
    all: Type.Integer(),
    mine: Type.Integer(),
    unassigned: Type.Integer(),
    unlinked: Type.Integer(),
  }),
  statuses: Type.Object({
    new: Type.Integer(),
    open: Type.Integer(),
    waiting: Type.Integer(),
    answered: Type.Integer(),
    closed: Type.Integer(),
  }),
  // Per translation family: `familyId` is the original release's id; `open` = new, open or waiting.
  releases: Type.Array(
    Type.Object({ familyId: Type.Integer(), total: Type.Integer(), open: Type.Integer() }),
  ),
  unlinked: Type.Integer(),
  // Open (new, open, waiting) threads whose deadline has passed / falls before the end of today.
  overdue: Type.Integer(),
  dueToday: Type.Integer(),
  // Threads with inbound mail the asking officer has not read.
  unread: Type.Integer(),
});
export type ThreadCounts = Static<typeof ThreadCountsSchema>;

/** Each field given is changed; `assigneeId: null` unassigns. */
export const ThreadPatchBodySchema = Type.Object(
  {
    status: Type.Optional(ThreadStatusSchema),
    priority: Type.Optional(ThreadPrioritySchema),
    assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30, uniqueItems: true }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ThreadPatchBody = Static<typeof ThreadPatchBodySchema>;

export const ActorSchema = Type.Object({ id: Type.Integer(), name: Type.String() });
export type Actor = Static<typeof ActorSchema>;

/** An internal note: staff only, never sent to the journalist. */
export const NoteSchema = Type.Object({
  id: Type.Integer(),
  threadId: Type.Integer(),
  author: ActorSchema,
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Note = Static<typeof NoteSchema>;

export const NoteBodySchema = Type.Object({ body: Type.String({ minLength: 1, maxLength: 20_000 }) });

export const ThreadMergeBodySchema = Type.Object({ intoThreadId: Type.Integer({ minimum: 1 }) });

/** Marking read answers with the officer's new read time. */
export const ThreadReadSchema = Type.Object({
  threadId: Type.Integer(),
  readAt: Type.String({ format: 'date-time' }),
});

export const ThreadListSchema = Type.Object({
  threads: Type.Array(ThreadSummarySchema),
  nextCursor: Nullable(Type.String()),
});
export type ThreadList = Static<typeof ThreadListSchema>;

/** A reply being written on a thread, saved as the officer types and visible to colleagues. */
export const DraftSchema = Type.Object({
  user: ActorSchema,
  body: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Draft = Static<typeof DraftSchema>;

export const ThreadDetailSchema = Type.Object({
  thread: ThreadSummarySchema,
  messages: Type.Array(MessageSchema),
  notes: Type.Array(NoteSchema),
  // The newest event seq about this thread: a reply sends it back as `basedOnVersion` so one written
  // while a colleague replied or added a note is stopped for review.
  version: Type.Integer(),
  // Set when this thread was merged into another: show that one instead.
  mergedInto: Nullable(Type.Integer()),
  // Replies being written here, one per officer, in full (events carry only a preview).
  drafts: Type.Array(DraftSchema),
});
export type ThreadDetail = Static<typeof ThreadDetailSchema>;

/** Saving an empty (or blank) body deletes the draft. */
export const DraftBodySchema = Type.Object({ body: Type.String({ maxLength: 200_000 }) });

export const DraftEnvelopeSchema = Type.Object({ draft: Nullable(DraftSchema) });

const LanguageTagSchema = Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', maxLength: 35 });

/** A saved reply; with `release` set it is one of that release's "lines to take". */
export const SavedReplySchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  language: Type.String(),
  // May hold {journalist_name}, {journalist_first_name}, {outlet}, {release_title}, {release_url},
  // {officer_name} and {reference}; render it for a thread to fill them.
  body: Type.String(),
  release: Nullable(
    Type.Object({ id: Type.Integer(), title: Type.String(), url: Type.String(), language: Type.String() }),
  ),
  createdBy: Nullable(ActorSchema),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type SavedReply = Static<typeof SavedReplySchema>;

export const SavedReplyListQuerySchema = Type.Object({
  // Adds the lines to take of this release and of its translations.
  releaseId: Type.Optional(Type.Integer({ minimum: 1 })),
  // Only this language ("ar" also matches "ar-EG").
  language: Type.Optional(LanguageTagSchema),
});

export const SavedReplyListSchema = Type.Object({ savedReplies: Type.Array(SavedReplySchema) });

export const SavedReplyInputSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    language: LanguageTagSchema,
    body: Type.String({ minLength: 1, maxLength: 50_000 }),
    // Set: a line to take for this release (offered for its translations too); null: general.
    releaseId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: false },
);
export type SavedReplyInput = Static<typeof SavedReplyInputSchema>;

export const SavedReplyPatchSchema = Type.Partial(SavedReplyInputSchema, {
  additionalProperties: false,
  minProperties: 1,
});
export type SavedReplyPatch = Static<typeof SavedReplyPatchSchema>;

export const SavedReplyRenderParamsSchema = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  savedId: Type.Integer({ minimum: 1 }),
});

/** A saved reply filled in for one thread; `missing` lists placeholders left as written. */
export const SavedReplyRenderSchema = Type.Object({
  text: Type.String(),
  missing: Type.Array(Type.String()),
});

export const ReleaseSchema = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  title: Type.String(),
  language: Type.String(),
  publishedAt: Type.String({ format: 'date-time' }),
  familyId: Type.Integer(),
  translationOf: Nullable(Type.String()),
  // Other language versions of the same statement.
  translations: Type.Array(
    Type.Object({ id: Type.Integer(), url: Type.String(), language: Type.String(), title: Type.String() }),
  ),
  enquiries: Type.Object({ open: Type.Integer(), total: Type.Integer() }),
});
export type Release = Static<typeof ReleaseSchema>;

export const ReleaseDetailSchema = Type.Intersect([ReleaseSchema, Type.Object({ body: Type.String() })]);

export const ReleaseInputSchema = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  title: Type.String({ minLength: 1, maxLength: 1000 }),
  language: Type.String({ minLength: 2, maxLength: 20 }),
  published_at: Type.String({ minLength: 1, maxLength: 40 }),
  body: Type.String({ maxLength: 1_000_000 }),
  translation_of: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
});

export const ReleasePatchSchema = Type.Partial(ReleaseInputSchema);

export const ReleaseListSchema = Type.Object({ releases: Type.Array(ReleaseSchema) });

export const ThreadReleaseBodySchema = Type.Object({ releaseId: Nullable(Type.Integer({ minimum: 1 })) });

export const ThreadDeadlineBodySchema = Type.Object({
  deadline: Nullable(Type.String({ format: 'date-time' })),
});

export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Results as you type: one per thread (its best-matching message), best first. */
export const SearchQuerySchema = Type.Object({
  q: Type.String({ maxLength: 500 }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const SearchResultsSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      thread: ThreadSummarySchema,
      messageId: Type.Integer(),
      // Plain text around the first match (no markup: the UI highlights the query itself).
      snippet: Type.String(),
    }),
  ),
});
export type SearchResults = Static<typeof SearchResultsSchema>;

export const UiLanguageSchema = Type.Union([Type.Literal('en'), Type.Literal('ar')]);
export type UiLanguage = Static<typeof UiLanguageSchema>;

/** Staff, for assignment pickers and presence avatars. */
export const StaffMemberSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('staff')]),
  // May approve replies when sign-off is required.
  canApprove: Type.Boolean(),
});

export const StaffListSchema = Type.Object({ users: Type.Array(StaffMemberSchema) });

/** What an admin may change about an account. */
export const StaffPatchBodySchema = Type.Object(
  {
    role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('staff')])),
    canApprove: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The signed-in officer with their own preferences. */
export const MeSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('staff')]),
  language: UiLanguageSchema,
  signature: Type.String(),
  canApprove: Type.Boolean(),
  // The office's IANA time zone: "due today" means today there, wherever the browser is.
  officeTimeZone: Type.String(),
});
export type Me = Static<typeof MeSchema>;

export const MePatchBodySchema = Type.Object(
  {
    language: Type.Optional(UiLanguageSchema),
    signature: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** For the releases view, per translation family (`familyId` = the original release's id). */
export const ReleaseStatsSchema = Type.Object({
  releases: Type.Array(
    Type.Object({
      familyId: Type.Integer(),
      total: Type.Integer(),
      open: Type.Integer(),
      // Languages of the enquiries about this statement, most frequent first.
      languages: Type.Array(Type.Object({ language: Type.String(), count: Type.Integer() })),
      // Median of first reply time − first message time over answered threads, in minutes.
      medianFirstResponseMinutes: Nullable(Type.Number()),
      answered: Type.Integer(),
    }),
  ),
});
export type ReleaseStats = Static<typeof ReleaseStatsSchema>;

export const MessageHtmlInfoSchema = Type.Object({
  hasHtml: Type.Boolean(),
  // False when the HTML is too large to sanitise and show; the raw download still works.
  renderable: Type.Boolean(),
  // Remote images, backgrounds, stylesheets and fonts the mail tried to load and that were blocked.
  remoteBlocked: Type.Integer(),
  imagesAllowed: Type.Boolean(),
  // With images allowed: distinct remote images the server fetched and inlined, and those it did not
  // (refused by the address or content checks, failed, or over the count, size or time limits).
  imagesInlined: Type.Integer(),
  imagesDropped: Type.Integer(),
  sender: Type.String(),
});
export type MessageHtmlInfo = Static<typeof MessageHtmlInfoSchema>;

export const ImageSenderBodySchema = Type.Object({ address: Type.String({ minLength: 3, maxLength: 320 }) });

export const ReplyBodySchema = Type.Object({
  text: Type.String({ maxLength: 200_000 }),
  // 'simple': **bold**, _italic_, "- " and "1. " lists and links, sent as text plus generated HTML
  // (server/domain/simple-format.ts). 'plain' (the default) sends the text alone.
  format: Type.Optional(Type.Union([Type.Literal('plain'), Type.Literal('simple')])),
  // Raw HTML is not accepted (400 html_not_accepted): it would go out as written. Use format 'simple'.
  html: Type.Optional(Type.Unknown()),
  // Put the journalist's message below ours, each line marked "> ".
  quote: Type.Optional(Type.Boolean()),
  // Also to everyone on the original To and Cc (never our own address).
  replyAll: Type.Optional(Type.Boolean()),
  // Attachments of this thread's own messages, forwarded.
  attachmentIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 20 })),
  // Files the officer uploaded (POST /api/uploads), attached after the forwarded ones.
  uploadIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 20 })),
  statusAfterSend: Type.Optional(Type.Union([Type.Literal('answered'), Type.Literal('waiting')])),
  // The thread `version` the officer saw: newer replies, notes or mail answer 409 thread_changed.
  basedOnVersion: Type.Optional(Type.Integer({ minimum: 0 })),
  // Needed only when the journalist's message has a Reply-To other than its sender (409
  // reply_to_differs otherwise): 'from' answers the sender staff see, 'reply-to' where they asked.
  replyTo: Type.Optional(Type.Union([Type.Literal('from'), Type.Literal('reply-to')])),
});

/** A file uploaded to attach to a reply: its id goes into the reply's `uploadIds`. */
export const UploadSchema = Type.Object({
  id: Type.Integer(),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
});
export type Upload = Static<typeof UploadSchema>;

export const UploadEnvelopeSchema = Type.Object({ upload: UploadSchema });

export const UploadQuerySchema = Type.Object({
  // The file's name as the journalist will see it (URL-encoded; any script).
  filename: Type.String({ minLength: 1, maxLength: 1000 }),
});

export const ReplyHeadersSchema = Type.Object({
  'idempotency-key': Type.String({ minLength: 1, maxLength: 200 }),
});

export const ReplyEnvelopeSchema = Type.Object({ reply: ReplySchema });

/** One thing that happened on a thread since the version an officer saw. */
export const ThreadChangeSchema = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  summary: Type.String(),
});
export type ThreadChange = Static<typeof ThreadChangeSchema>;

/** 409 thread_changed: what happened on the thread since the version the officer saw. */
export const ThreadChangedSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  version: Type.Integer(),
  changes: Type.Array(ThreadChangeSchema),
});
export type ThreadChanged = Static<typeof ThreadChangedSchema>;

/** 409 reply_to_differs: the message asks for replies elsewhere; send again with `replyTo` chosen. */
export const ReplyToChoiceSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  from: Type.String(),
  replyTo: Type.Array(Type.String()),
});

export const ReplyReturnBodySchema = Type.Object({ note: Type.String({ minLength: 1, maxLength: 5_000 }) });

/** Office-wide reply settings: sign-off before sending, and the automatic acknowledgement. */
export const ReplySettingsSchema = Type.Object({
  requireApproval: Type.Boolean(),
  acknowledgement: Type.Object({
    enabled: Type.Boolean(),
    // Per language ('en', 'ar', …); {reference} and {name} are filled in. Missing: a built-in text.
    texts: Type.Record(Type.String({ maxLength: 20 }), Type.String({ maxLength: 5_000 })),
  }),
});
export type ReplySettings = Static<typeof ReplySettingsSchema>;

export const ReplySettingsPatchSchema = Type.Partial(ReplySettingsSchema);
