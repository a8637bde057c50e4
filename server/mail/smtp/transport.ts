import nodemailer from 'nodemailer';
import type { MailServerUrl } from '../../config.ts';

export interface SmtpDelivery {
  /** The server's final reply to DATA, e.g. "250 2.0.0 Ok: queued as 4Xyz". */
  response: string;
  accepted: string[];
  /** Recipients the server refused while others were accepted (O-06), with its words. */
  rejected: { address: string; response: string }[];
}

/** Sends stored bytes verbatim to an envelope. Injected into the outbox worker (tests pass their own). */
export type SmtpSend = (envelope: { from: string; to: string[] }, raw: Buffer) => Promise<SmtpDelivery>;

export type SmtpFailure = { permanent: boolean; message: string };

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * A sender for one SMTP server. A fresh connection per message: a newsdesk sends a few hundred replies
 * a day, and a pool could resend accepted mail after a server restart (O-16). Plain `smtp://` must
 * upgrade with STARTTLS and verify the certificate (O-15), except to a loopback relay.
 */
export function createSmtpSender(
  url: MailServerUrl,
  options: { ehloName?: string; timeoutMs?: number } = {},
): SmtpSend {
  const timeout = options.timeoutMs ?? 30_000;
  return async (envelope, raw) => {
    const transport = nodemailer.createTransport({
      host: url.host,
      port: url.port,
      secure: url.secure,
      requireTLS: !url.secure && !isLoopback(url.host),
      ...(url.user ? { auth: { user: url.user, pass: url.password ?? '' } } : {}),
      ...(options.ehloName ? { name: options.ehloName } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
    try {
      const info = await transport.sendMail({ envelope, raw });
      const rejectedErrors =
        (info as { rejectedErrors?: { recipient?: string; response?: string; message: string }[] })
          .rejectedErrors ?? [];
      return {
        response: String(info.response ?? ''),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map((address) => {
          const err = rejectedErrors.find((e) => e.recipient === String(address));
          return { address: String(address), response: err?.response ?? err?.message ?? 'rejected' };
        }),
      };
    } finally {
      transport.close();
    }
  };
}

/**
 * Permanent (5xx: the server will never take this message) or temporary (4xx, no connection, a
 * timeout, a dropped line): only temporary failures are retried (O-04, O-05).
 */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = (e.response || e.message || String(err)).replace(/\s+/g, ' ').trim().slice(0, 500);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600)
    return { permanent: true, message: text };
  // A message nodemailer itself cannot send (bad envelope with no server involved) will not improve.
  if (e.code === 'EENVELOPE' && typeof e.responseCode !== 'number') return { permanent: true, message: text };
  return { permanent: false, message: text };
}
