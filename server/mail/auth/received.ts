// Finding the SMTP client from the Received field our own MX wrote. Fields above it were added
// inside our infrastructure, fields below it by anyone (RFC 5321 §4.4): only our hop is evidence.
import { parseReceived } from 'mailauth/lib/parse-received.js';
import { rawHeaderFields, sameHost } from './headers.ts';

export interface SmtpClient {
  ip?: string;
  helo?: string;
  sender?: string;
}

/** The client IP, HELO and envelope sender recorded by the topmost Received field `by` our MX. */
export function clientFromOurHop(raw: Buffer, mta: string): SmtpClient | null {
  for (const field of rawHeaderFields(raw)) {
    if (field.name !== 'received') continue;
    const parsed = parseReceived(`Received: ${field.value}`);
    if (!parsed || !parsed.by?.value) continue;
    const byHost = parsed.by.value.split(/\s+/)[0] ?? '';
    if (!sameHost(byHost, mta)) continue;
    const client: SmtpClient = {};
    const from = parsed.from;
    if (from?.value) client.helo = from.value;
    const ip = /\[([^\]]+)\]/.exec(from?.comment ?? '');
    if (ip?.[1]) client.ip = ip[1].replace(/^IPv6:/i, '');
    // Exim writes `envelope-from <a@b>` as a clause, Postfix and others as a comment.
    const envelope =
      parsed['envelope-from']?.value.replace(/[<>]/g, '').trim() ||
      /envelope-from[\s=]*<([^<>\s]+)>/i.exec(field.value)?.[1];
    if (envelope) client.sender = envelope;
    return client;
  }
  return null;
}
