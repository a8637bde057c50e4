import { randomUUID } from 'node:crypto';
import { encodeSingleByte } from './legacy-charset.ts';

export interface RawMessageInput {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  /** Body charset; legacy single-byte charsets are sent as 8bit, the way older clients send them. */
  charset?: 'utf-8' | 'windows-1256' | 'iso-8859-6';
}

function encodedWord(text: string): string {
  // RFC 2047 B-encoding in UTF-8 keeps any script intact through every MTA.
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function displayName(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodedWord(name);
}

/** Builds a plain-text RFC 5322 message as bytes: for the demo's enquiries and for tests. */
export function composeRawMessage(input: RawMessageInput): { raw: Buffer; messageId: string } {
  const messageId = input.messageId ?? `${randomUUID()}@${input.from.address.split('@')[1] ?? 'localhost'}`;
  const charset = input.charset ?? 'utf-8';
  const body = input.text.replace(/\r?\n/g, '\r\n') + '\r\n';
  const bodyBytes = charset === 'utf-8' ? Buffer.from(body, 'utf8') : encodeSingleByte(body, charset);
  const headers = [
    `From: ${displayName(input.from.name)} <${input.from.address}>`,
    `To: ${input.to}`,
    `Subject: ${encodedWord(input.subject)}`,
    `Date: ${(input.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}>`,
    ...(input.inReplyTo ? [`In-Reply-To: <${input.inReplyTo}>`] : []),
    ...(input.references?.length ? [`References: ${input.references.map((r) => `<${r}>`).join(' ')}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: 8bit',
  ];
  return {
    raw: Buffer.concat([Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'latin1'), bodyBytes]),
    messageId,
  };
}
