/**
 * Getting mail into a test mail stack: over SMTP through Postfix, as a journalist's mail arrives, or by
 * IMAP APPEND straight into a mailbox for bulk backfill.
 */
import { ImapFlow } from 'imapflow';
import nodemailer, { type SendMailOptions, type SMTPSentMessageInfo } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { MailStack } from './mailstack.ts';

/** SMTP envelope; for raw messages it defaults to the addresses in From and To/Cc. */
export type Envelope = { from: string; to: string | string[] };

/** Nodemailer message options, or a complete RFC 5322 message sent byte for byte. */
export type OutgoingMessage = SendMailOptions | Buffer | string;

/** Sends one message to the stack's Postfix over SMTP and resolves once Postfix accepted it (250). */
export async function sendMail(
  stack: MailStack,
  message: OutgoingMessage,
  envelope?: Envelope,
): Promise<SMTPSentMessageInfo> {
  const transport = nodemailer.createTransport({
    host: stack.host,
    port: stack.smtpPort,
    secure: false,
    // The stack advertises no STARTTLS; this also keeps nodemailer from trying opportunistic TLS.
    ignoreTLS: true,
  });
  try {
    if (Buffer.isBuffer(message) || typeof message === 'string') {
      const raw = Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8');
      return await transport.sendMail({ raw, envelope: envelope ?? envelopeFromHeaders(raw) });
    }
    return await transport.sendMail(envelope ? { ...message, envelope } : message);
  } finally {
    transport.close();
  }
}

/** Derives an SMTP envelope from a raw message's From, To and Cc headers. */
export function envelopeFromHeaders(raw: Buffer): Envelope {
  const end = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  // latin1 keeps every byte; addresses themselves are ASCII (Dovecot 2.3's LMTP has no SMTPUTF8).
  const head = raw.subarray(0, end >= 0 ? end : raw.length).toString('latin1');
  // RFC 5322 §2.2.3: folded header lines continue with whitespace.
  const lines = head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/);
  const field = (name: string): string[] =>
    lines
      .filter((line) => line.toLowerCase().startsWith(`${name}:`))
      .flatMap((line) => addressparser(line.slice(name.length + 1), { flatten: true }))
      .map((a) => a.address)
      .filter((a) => a.includes('@'));
  const from = field('from')[0];
  const to = [...field('to'), ...field('cc')];
  if (!from || to.length === 0)
    throw new Error('raw message needs From and To/Cc headers, or pass an envelope');
  return { from, to };
}

/**
 * APPENDs raw messages to a mailbox over a single IMAP connection and returns their UIDs (UIDPLUS).
 * For backfill tests and benchmarks: about 400 msg/s on sdbox, where SMTP would go through the queue.
 */
export async function appendMessages(
  stack: MailStack,
  user: string,
  raws: Buffer[],
  mailbox = 'INBOX',
): Promise<number[]> {
  const password = stack.users.find((u) => u.user === user)?.password;
  if (password === undefined) throw new Error(`unknown mail user ${user}`);
  const client = new ImapFlow({
    host: stack.host,
    port: stack.imapPort,
    secure: false,
    auth: { user, pass: password },
    logger: false,
    // APPEND bypasses the selected mailbox, so IDLE would only add round trips between commands.
    disableAutoIdle: true,
  });
  await client.connect();
  try {
    const uids: number[] = [];
    // imapflow runs one command at a time anyway; queueing a window of APPENDs saves the gap
    // between one response and our next call without holding thousands of promises at once.
    const WINDOW = 32;
    for (let i = 0; i < raws.length; i += WINDOW) {
      const batch = raws.slice(i, i + WINDOW).map((raw) => client.append(mailbox, raw));
      for (const res of await Promise.all(batch)) {
        if (!res) throw new Error(`APPEND to ${mailbox} failed`);
        if (res.uid !== undefined) uids.push(res.uid);
      }
    }
    return uids;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Every message source in a folder of a mailbox on the stack (read-only; empty folder → []). */
export async function folderSources(stack: MailStack, user: string, folder = 'INBOX'): Promise<Buffer[]> {
  const password = stack.users.find((u) => u.user === user)?.password;
  if (password === undefined) throw new Error(`unknown mail user ${user}`);
  const client = new ImapFlow({
    host: stack.host,
    port: stack.imapPort,
    secure: false,
    auth: { user, pass: password },
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const status = await client.status(folder, { messages: true });
      if (!status || !status.messages) return [];
      const out: Buffer[] = [];
      for await (const msg of client.fetch('1:*', { source: true })) if (msg.source) out.push(msg.source);
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}
