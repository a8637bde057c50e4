import MailComposer from 'nodemailer/lib/mail-composer';
import { headerSafe, safeDisplayName, type Party } from './reply-headers.ts';

export interface ReplyAttachment {
  filename: string | null;
  contentType: string;
  /** Bytes from our own content store: never a path or URL (O-14). */
  content: Buffer;
}

export interface ComposeReplyInput {
  /** Bare Message-ID (no <>). */
  messageId: string;
  from: Party;
  to: Party[];
  cc: Party[];
  subject: string;
  text: string;
  html?: string | null;
  /** Bare id of the message replied to. */
  inReplyTo: string | null;
  /** Bare ids, already bounded. */
  references: string[];
  date: Date;
  attachments: ReplyAttachment[];
  /** Extra headers we set ourselves (never from journalist input). */
  headers?: Record<string, string>;
}

const bracket = (id: string) => `<${id}>`;

function address(party: Party): { name: string; address: string } | string {
  const name = safeDisplayName(party.name);
  return name ? { name, address: party.address } : party.address;
}

/**
 * The exact bytes of one outgoing message. Built once and stored before any SMTP attempt, so every
 * retry and the Sent copy are the same message. Every header value is stripped of line breaks here,
 * whatever the caller did, and nodemailer then encodes it (RFC 2047) rather than writing it raw.
 */
export async function composeReplyBytes(input: ComposeReplyInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: address(input.from),
    to: input.to.map(address),
    ...(input.cc.length ? { cc: input.cc.map(address) } : {}),
    subject: headerSafe(input.subject),
    messageId: bracket(input.messageId),
    ...(input.inReplyTo ? { inReplyTo: bracket(input.inReplyTo) } : {}),
    ...(input.references.length ? { references: input.references.map(bracket) } : {}),
    date: input.date,
    text: input.text.replace(/\r\n?/g, '\n'),
    ...(input.html ? { html: input.html } : {}),
    attachments: input.attachments.map((a) => ({
      filename: a.filename ? headerSafe(a.filename, 200) : 'attachment',
      contentType: headerSafe(a.contentType, 200) || 'application/octet-stream',
      content: a.content,
    })),
    headers: Object.fromEntries(
      Object.entries(input.headers ?? {}).map(([k, v]) => [k.replace(/[^A-Za-z0-9-]/g, ''), headerSafe(v)]),
    ),
    // Attachments come only from our content store as Buffers (O-14).
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return new Promise<Buffer>((resolve, reject) =>
    composer.compile().build((err, message) => (err ? reject(err) : resolve(message))),
  );
}
