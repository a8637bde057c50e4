// Auto-replies and list traffic: RFC 3834 markers, vendor headers, Precedence, and subject heuristics.
import { first, has, hasNullReturnPath, isReport, token, type HeaderMap } from './headers.ts';
import type { ClassifyInput, Verdict } from './types.ts';

/** Header values are raw bytes; keep what goes into a reason short and printable. */
function shown(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}

/** RFC 3834 §5: any Auto-Submitted value other than "no" marks the message as automatic. */
export function autoSubmitted({ headers }: ClassifyInput): Verdict | null {
  const value = first(headers, 'auto-submitted');
  if (value === undefined) return null;
  const kind = token(value);
  if (kind === '' || kind === 'no') return null;
  return { kind: 'auto-reply', probable: false, reason: `Auto-Submitted: ${shown(kind)}` };
}

// Vendor auto-responder markers that predate RFC 3834 (vacation(1), cPanel, Zimbra, Yahoo…).
const RESPONDER_FIELDS = ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-autoreply-from'];

/** X-Autoreply / X-Autorespond / X-Autoresponder, unless explicitly "no". */
export function responderHeaders({ headers }: ClassifyInput): Verdict | null {
  for (const name of RESPONDER_FIELDS) {
    if (!has(headers, name)) continue;
    const value = token(first(headers, name) ?? '');
    if (value === 'no' || value === 'false' || value === '0') continue;
    const label = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    return {
      kind: 'auto-reply',
      probable: false,
      reason: `${label}${value ? `: ${shown(value)}` : ''} header`,
    };
  }
  return null;
}

/** The Precedence (or X-Precedence) keyword, lower-cased, if any. */
function precedence(headers: HeaderMap): { field: string; value: string } | null {
  for (const field of ['precedence', 'x-precedence']) {
    const value = first(headers, field);
    if (value !== undefined)
      return { field: field === 'precedence' ? 'Precedence' : 'X-Precedence', value: token(value) };
  }
  return null;
}

/** `Precedence: auto_reply` (some responders write auto-reply): a de-facto auto-reply marker. */
export function precedenceAutoReply({ headers }: ClassifyInput): Verdict | null {
  const p = precedence(headers);
  if (!p || !/^auto[_-]?reply$/.test(p.value)) return null;
  return { kind: 'auto-reply', probable: false, reason: `${p.field}: ${p.value}` };
}

/** `Precedence: bulk | list | junk` (RFC 2076 §3.9; not standard, but every list manager sets it). */
export function precedenceBulk({ headers }: ClassifyInput): Verdict | null {
  const p = precedence(headers);
  if (!p || !['bulk', 'list', 'junk'].includes(p.value)) return null;
  return { kind: 'list', probable: false, reason: `${p.field}: ${p.value}` };
}

/** List-Id (RFC 2919) or List-Unsubscribe (RFC 2369 / 8058): mailing-list or newsletter traffic. */
export function listHeaders({ headers }: ClassifyInput): Verdict | null {
  if (has(headers, 'list-id')) return { kind: 'list', probable: false, reason: 'List-Id header' };
  if (has(headers, 'list-unsubscribe'))
    return { kind: 'list', probable: false, reason: 'List-Unsubscribe header' };
  return null;
}

/** RFC 8098 read receipts are machine-generated notifications, never an enquiry. */
export function readReceipt({ headers }: ClassifyInput): Verdict | null {
  if (!isReport(headers, 'disposition-notification')) return null;
  return { kind: 'auto-reply', probable: false, reason: 'read receipt (RFC 8098 disposition notification)' };
}

// Subject prefixes auto-responders write, by language. A separator (or the end) must follow, so that
// "Out of office hours: …" or "Absence of data in …" from a journalist is not caught.
// prettier-ignore
const AUTO_SUBJECT_WORDS = [
  'auto(?:matic)?[ _-]?(?:reply|response|respons|answer)', 'autoresponder',
  'out of (?:the )?office', 'ooo', 'absence', 'away from (?:the )?office', 'vacation reply',
  'r[ée]ponse automatique', 'absence du bureau', "message d'absence",
  'abwesenheitsnotiz', 'automatische antwort', 'abwesenheit',
  'respuesta autom[áa]tica', 'fuera de la oficina', 'risposta automatica', 'automatisch antwoord',
  'resposta autom[áa]tica', 'afwezig',
  'رد تلقائي', 'الرد التلقائي', 'رد آلي', 'الرد الآلي', 'خارج المكتب',
];
const AUTO_SUBJECT = new RegExp(
  `^(?:\\[[^\\]]{1,40}\\]\\s*)*(${AUTO_SUBJECT_WORDS.join('|')})(?=\\s*(?:[:：\\-–(\\[]|$|(?:re|aw|fw|fwd)\\s*:))`,
  'iu',
);

/** The auto-reply prefix the subject starts with, if any ("Automatic reply", "رد تلقائي"…). */
export function autoReplySubject(subject: string): string | null {
  // Bidi marks and tatweel are invisible in Arabic subjects but break a literal match.
  const clean = subject
    .normalize('NFKC')
    .replace(/[\u200e\u200f\u061c\u0640]/g, '')
    .trim();
  return AUTO_SUBJECT.exec(clean)?.[1] ?? null;
}

/** The X-Auto-Response-Suppress keywords (Exchange, [MS-OXCMAIL] 2.2.3.2.14), lower-cased. */
export function autoResponseSuppress(headers: HeaderMap): string[] {
  const value = first(headers, 'x-auto-response-suppress');
  if (value === undefined) return [];
  return value
    .split(/[,\s]+/)
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Exchange out-of-office: "Automatic reply:" sent with `Return-Path: <>` and/or
 * `X-Auto-Response-Suppress: All` but no RFC 3834 header. The subject alone is only a guess
 * (subjectHeuristic); a corroborating header makes it certain.
 */
export function exchangeOutOfOffice({ headers, subject }: ClassifyInput): Verdict | null {
  const prefix = autoReplySubject(subject);
  if (prefix === null) return null;
  const signs: string[] = [];
  if (hasNullReturnPath(headers)) signs.push('Return-Path: <>');
  if (autoResponseSuppress(headers).includes('all')) signs.push('X-Auto-Response-Suppress: All');
  if (has(headers, 'x-ms-exchange-inbox-rules-loop')) signs.push('X-MS-Exchange-Inbox-Rules-Loop');
  if (signs.length === 0) return null;
  return { kind: 'auto-reply', probable: false, reason: `"${prefix}" subject with ${signs.join(' + ')}` };
}

/** Subject-only auto-reply (rfc3834-03): a guess, flagged "probably automatic". */
export function subjectHeuristic({ headers, subject }: ClassifyInput): Verdict | null {
  const prefix = autoReplySubject(subject);
  if (prefix !== null) return { kind: 'auto-reply', probable: true, reason: `subject starts "${prefix}"` };
  // Apple iCloud's vacation responder writes no RFC 3834 header, only this vendor one.
  if (/^vacation$/i.test(first(headers, 'x-apple-action') ?? ''))
    return { kind: 'auto-reply', probable: true, reason: 'X-Apple-Action: VACATION' };
  return null;
}

/**
 * Null reverse-path and nothing else: only mail systems send from `<>` (RFC 5321 §4.5.5, RFC 3834
 * §3.3), so it is treated as probably automatic, and nothing is ever sent back to it.
 */
export function nullSender({ headers }: ClassifyInput): Verdict | null {
  if (!hasNullReturnPath(headers)) return null;
  return { kind: 'auto-reply', probable: true, reason: 'null return path (Return-Path: <>)' };
}

/** Why human mail should still get no auto-ack, or null when an ack is fine (L-06). */
export function ackSuppressionHint(input: ClassifyInput): string | null {
  const suppress = autoResponseSuppress(input.headers);
  // Outlook sets OOF/AutoReply/All to ask responders to stay quiet: a request, not a marker.
  const asked = suppress.find((v) => v === 'all' || v === 'oof' || v === 'autoreply');
  if (asked) return `X-Auto-Response-Suppress: ${first(input.headers, 'x-auto-response-suppress')}`;
  const p = precedence(input.headers);
  if (p && p.value !== '' && !['normal', 'first-class', 'urgent'].includes(p.value))
    return `${p.field}: ${shown(p.value)}`;
  if (!input.from.address.includes('@')) return 'no sender address to reply to';
  return null;
}
