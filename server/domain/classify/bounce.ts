// Bounces: RFC 3464 delivery status notifications and the common non-standard forms (L-11…L-13).
import { normalizeMessageId, parseMessageIdList } from '../message-id.ts';
import { actionForStatus, enhancedStatus, parseDeliveryStatus } from './dsn.ts';
import {
  addressesIn,
  first,
  has,
  hasNullReturnPath,
  isReport,
  mediaType,
  readHeaderBlock,
  splitMessage,
  token,
} from './headers.ts';
import type { BounceRecipient, BounceReport, ClassifyInput, Verdict } from './types.ts';

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
// Parts that carry the returned message or its header (RFC 3462 §2, RFC 6533 for the "global" ones).
const EMBEDDED_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

const DAEMON_LOCAL =
  /^(?:mailer[-_.]?daemon|mail[-_.]?daemon|postmaster|mail[-_.]?delivery[-_.]?(?:sub)?system)$/i;
const DAEMON_NAME = /^(?:mail delivery (?:sub)?system|mail delivery service|mailer[- ]daemon)$/i;

// Subjects MTAs put on non-delivery reports, in the languages seen from Exchange, Postfix, Gmail…
const BOUNCE_SUBJECT =
  /undeliver(?:able|ed)|delivery (?:status notification|failure|failed|has failed|notification|problem|delayed)|returned mail|failure notice|mail delivery failed|non[- ]?delivery|not delivered|could not be delivered|delivery failure|mail failure|delayed mail|(?:message|mail) delayed|unzustellbar|nicht zustellbar|non remis|non recapitabile|no se puede entregar|onbestelbaar/i;
// Body wording of the same reports; only trusted together with a mail-system sender.
const BOUNCE_TEXT =
  /could ?n[o']t be delivered|could not deliver|was ?n[o']t delivered|undeliverable|undelivered mail|delivery (?:has )?failed|failed permanently|permanent (?:fatal )?errors?|did not reach the following recipient|(?:unable|not able|was ?n[o']t able) to deliver|delivery to the following recipients? failed|message not delivered|returned to sender|the following address(?:es)? failed|not yet received your message|delay in the delivery|(?:delivery|message) (?:to \S+ )?(?:has been |is |was )?delayed/i;
const DELAY_TEXT =
  /delay in the delivery|(?:delivery|message) (?:to \S+ )?(?:has been |is |was )?delayed|will (?:continue|keep) trying|not yet (?:been )?delivered|have not yet received/i;

// Where the quoted original starts in a plain-text bounce (Exim, qmail, Gmail, Exchange, OpenSMTPD),
// or, failing a marker, the first line of a copied header block.
const ORIGINAL_MARKERS = [
  /^[ \t]*-{2,}[ \t]*(?:this is a copy of|original message|below this line is a copy|the original message|returned message|undelivered message|message header)/im,
  /^[ \t]*below is a copy of the original message/im,
  /^[ \t]*original message headers:/im,
  /^(?:received|return-path|dkim-signature|message-id|delivered-to|x-received|arc-seal)[ \t]*:/im,
];

/** The sender address's local part, lower-cased. */
function localPart(address: string): string {
  return address.slice(0, Math.max(0, address.lastIndexOf('@'))).toLowerCase();
}

/** Why the sender looks like a mail system (From MAILER-DAEMON / postmaster, Return-Path <>), or null. */
function mailSystemSender({ headers, from }: ClassifyInput): string | null {
  if (DAEMON_LOCAL.test(localPart(from.address))) return `From ${from.address}`;
  if (from.name && DAEMON_NAME.test(from.name.trim())) return `From "${from.name.trim()}"`;
  const returnPath = /<([^<>\s]+@[^<>\s]+)>/.exec(first(headers, 'return-path') ?? '')?.[1];
  if (returnPath && DAEMON_LOCAL.test(localPart(returnPath))) return 'Return-Path MAILER-DAEMON';
  if (hasNullReturnPath(headers)) return 'Return-Path: <>';
  return null;
}

/** `multipart/report; report-type=delivery-status` (RFC 3464 / RFC 6522), or a DSN part from a mail system. */
export function deliveryReport(input: ClassifyInput): Verdict | null {
  if (isReport(input.headers, 'delivery-status'))
    return { kind: 'bounce', probable: false, reason: 'delivery status notification (RFC 3464)' };
  // A delivery-status part without the report wrapper only counts from a mail system: a person may
  // forward a bounce as a part of their own message.
  const dsnPart = input.attachments.some((a) => DSN_TYPES.has(mediaType(a.contentType)));
  if (dsnPart && mailSystemSender(input) !== null)
    return { kind: 'bounce', probable: false, reason: 'delivery-status part (RFC 3464)' };
  return null;
}

/** Exim (and Gmail, Mail.ru) name the failed addresses in X-Failed-Recipients; Exchange marks NDRs. */
export function bounceHeaders({ headers }: ClassifyInput): Verdict | null {
  if (has(headers, 'x-failed-recipients'))
    return { kind: 'bounce', probable: false, reason: 'X-Failed-Recipients header' };
  if (has(headers, 'x-ms-exchange-message-is-ndr'))
    return { kind: 'bounce', probable: false, reason: 'X-MS-Exchange-Message-Is-Ndr header' };
  return null;
}

/** Whether the message carries an explicit auto-responder marker (used to keep OOFs out of bounces). */
function declaresAutoReply(headers: ClassifyInput['headers']): boolean {
  const auto = token(first(headers, 'auto-submitted') ?? 'no');
  return auto === 'auto-replied' || has(headers, 'x-autoreply') || has(headers, 'x-autorespond');
}

/**
 * Non-standard bounces (qmail, Domino, Exchange 2003, Yahoo, Zoho…): a mail-system sender plus the
 * usual wording in the subject or body. With only `Return-Path: <>` as the sender sign, body wording
 * alone is not trusted when the message says it is an auto-reply (an OOF may talk about delivery).
 */
export function nonStandardBounce(input: ClassifyInput): Verdict | null {
  const sender = mailSystemSender(input);
  if (sender === null) return null;
  const subject = BOUNCE_SUBJECT.exec(input.subject)?.[0];
  if (subject) return { kind: 'bounce', probable: false, reason: `${sender} and subject "${subject}"` };
  const body = BOUNCE_TEXT.exec(bodyText(input))?.[0];
  if (!body) return null;
  if (sender === 'Return-Path: <>' && declaresAutoReply(input.headers)) return null;
  return { kind: 'bounce', probable: false, reason: `${sender} and "${body}" in the body` };
}

/** The decoded text, or the raw body when MIME parsing produced nothing (report without boundaries). */
function bodyText(input: ClassifyInput): string {
  if (input.text.trim() !== '' || input.attachments.length > 0 || !input.raw) return input.text;
  return splitMessage(input.raw.toString('latin1')).body;
}

/** The part of a plain-text bounce before the quoted original message. */
function diagnosticSection(text: string): string {
  let end = text.length;
  for (const marker of ORIGINAL_MARKERS) {
    const m = marker.exec(text);
    if (m && m.index < end) end = m.index;
  }
  return text.slice(0, end);
}

/** An SMTP reply code (RFC 5321 §4.2) alone, as "5.0.0" (RFC 3463: undefined detail); its index. */
function basicStatus(text: string): { status: string; at: number } | null {
  const m = /(?:^|[\s'"#:(])([45][0-5]\d)(?=[\s-])/m.exec(text);
  return m ? { status: `${m[1]![0]}.0.0`, at: m.index + m[0].length - 3 } : null;
}

/** From `index` to the end of its line, trimmed and bounded: the server's own words. */
function restOfLine(text: string, index: number): string {
  const end = text.indexOf('\n', index);
  return text
    .slice(index, end === -1 ? text.length : end)
    .trim()
    .slice(0, 300);
}

/** The status and diagnostic a plain-text bounce gives in one recipient's stretch of text. */
function statusIn(window: string): { status: string | null; diagnostic: string | null } {
  // "550 5.1.1 …" (reply code, then enhanced code) is the server's answer; prefer it over a
  // help-text mention such as "see DSN 5.1.10" (Office 365).
  const both = /(?<![\d.])[45][0-5]\d[ -]+#?([245]\.\d{1,3}\.\d{1,3})(?![\d]|\.\d)/.exec(window);
  if (both) return { status: enhancedStatus(both[1]!), diagnostic: restOfLine(window, both.index) };
  const enhanced = enhancedStatus(window);
  const basic = basicStatus(window);
  const diagnostic = basic
    ? restOfLine(window, basic.at)
    : enhanced
      ? restOfLine(window, window.lastIndexOf('\n', window.indexOf(enhanced)) + 1)
      : null;
  return { status: enhanced ?? basic?.status ?? null, diagnostic };
}

/**
 * Recipients of a plain-text bounce: each candidate address with the status code that follows it,
 * up to where the next candidate is mentioned.
 */
function textRecipients(section: string, candidates: string[], delay: boolean): BounceRecipient[] {
  const lower = section.toLowerCase();
  return candidates.map((address) => {
    const at = lower.indexOf(address);
    let end = at < 0 ? at : Math.min(section.length, at + 2000);
    for (const other of candidates) {
      const next = other === address || at < 0 ? -1 : lower.indexOf(other, at + address.length);
      if (next >= 0 && next < end) end = next;
    }
    const { status, diagnostic } = statusIn(at < 0 ? '' : section.slice(at, end));
    return { address, action: actionForStatus(status) ?? (delay ? 'delayed' : 'failed'), status, diagnostic };
  });
}

/** Addresses that are the bounce's own parties or mail-system mailboxes, never the failed recipient. */
function ownParties(input: ClassifyInput): Set<string> {
  const names = ['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to', 'return-path', 'reply-to'];
  const out = new Set<string>([input.from.address.toLowerCase()]);
  for (const name of names)
    for (const value of input.headers.get(name) ?? []) addressesIn(value).forEach((a) => out.add(a));
  return out;
}

/** Message-IDs of the returned message: embedded parts first, then the body text, then In-Reply-To. */
function originalIds(input: ClassifyInput, text: string): string[] {
  const ids = new Set<string>();
  for (const part of input.attachments) {
    if (!EMBEDDED_TYPES.has(mediaType(part.contentType))) continue;
    const fields = readHeaderBlock(splitMessage(part.content.toString('latin1')).header);
    const id = normalizeMessageId(fields.get('message-id')?.[0] ?? '');
    if (id) ids.add(id);
  }
  if (ids.size > 0) return [...ids];
  // Plain-text bounces quote the original header; a DSN part may swallow it when a boundary is broken.
  const dsnTexts = input.attachments
    .filter((a) => DSN_TYPES.has(mediaType(a.contentType)))
    .map((a) => a.content.toString('latin1'));
  for (const source of [text, ...dsnTexts]) {
    const m = /^[ \t]*Message-ID[ \t]*:[ \t]*([^\r\n]+)/im.exec(source);
    const id = m ? normalizeMessageId(m[1]!) : null;
    if (id) return [id];
  }
  // Gmail's bounces answer the original: In-Reply-To names it.
  return parseMessageIdList(first(input.headers, 'in-reply-to')).slice(0, 1);
}

/** Extracts what a bounce says: original Message-ID(s), recipients with status, and the outcome. */
export function bounceReport(input: ClassifyInput): BounceReport {
  const text = bodyText(input);
  const section = diagnosticSection(text);
  const delay = /delay/i.test(input.subject) || DELAY_TEXT.test(section);

  let recipients = input.attachments
    .filter((a) => DSN_TYPES.has(mediaType(a.contentType)))
    .flatMap((a) => parseDeliveryStatus(a.content.toString('utf8')));
  // DSN fields inline in the body: a report whose MIME structure was lost.
  if (recipients.length === 0) recipients = parseDeliveryStatus(text);
  if (recipients.length === 0) {
    const failed = (input.headers.get('x-failed-recipients') ?? []).flatMap(addressesIn);
    const excluded = ownParties(input);
    const candidates =
      failed.length > 0
        ? failed
        : addressesIn(section).filter(
            (a) => !excluded.has(a) && !/^(?:mailer-daemon|postmaster)$/i.test(localPart(a)),
          );
    recipients = textRecipients(section, [...new Set(candidates)], delay);
  }

  let outcome: BounceReport['outcome'] = 'other';
  const permanent = (r: BounceRecipient): boolean =>
    r.status?.startsWith('5') === true || (r.action === 'failed' && !r.status?.startsWith('4'));
  const transient = (r: BounceRecipient): boolean =>
    r.action === 'delayed' || r.status?.startsWith('4') === true;
  if (recipients.some(permanent)) outcome = 'failed';
  else if (recipients.some(transient)) outcome = 'delayed';
  else if (recipients.length === 0 && delay) outcome = 'delayed';

  return { originalMessageIds: originalIds(input, text), recipients, outcome };
}
