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

export const ThreadSummarySchema = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  status: ThreadStatusSchema,
  priority: Type.String(),
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
});
export type ThreadSummary = Static<typeof ThreadSummarySchema>;

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

export const ThreadListQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  // Opaque cursor from the previous page's `nextCursor`.
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
});

export const ThreadListSchema = Type.Object({
  threads: Type.Array(ThreadSummarySchema),
  nextCursor: Nullable(Type.String()),
});
export type ThreadList = Static<typeof ThreadListSchema>;

export const ThreadDetailSchema = Type.Object({
  thread: ThreadSummarySchema,
  messages: Type.Array(MessageSchema),
});
export type ThreadDetail = Static<typeof ThreadDetailSchema>;

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
