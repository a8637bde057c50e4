import { createHash } from 'node:crypto';
import PostalMime, { decodeWords, type Address as PostalAddress, type Email } from 'postal-mime';
import { normalizeMessageId, parseMessageIdList } from '../domain/message-id.ts';
import type { SenderTrust } from '../domain/sender-trust.ts';
import type { AuthVerdict } from './auth/verify.ts';
import { htmlToText } from '../domain/html-text.ts';
import { withoutControlHeaders } from './strip-control-headers.ts';
import { decompressRtf, extractTnef, isTnefAttachment } from './tnef.ts';

export interface ParsedAddress {
  name: string | null;
  address: string;
}

export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  contentId: string | null;
  disposition: string | null;
  content: Buffer;
}

/** What the rest of the pipeline knows about one message; `raw` is always the untouched original. */
export interface ParsedMessage {
  raw: Buffer;
  rawSha256: string;
  contentHash: string;
  messageId: string;
  messageIdSynthetic: boolean;
  inReplyTo: string[];
  references: string[];
  from: ParsedAddress;
  to: ParsedAddress[];
  cc: ParsedAddress[];
  subject: string;
  date: Date;
  dateHeaderValid: boolean;
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  headers: Map<string, string[]>;
  parseError: string | null;
  /** The mail had no text part: `text` was flattened from `html`. */
  textFromHtml: boolean;
  /** Filled by the pipeline after sender verification (DNS), before the message is stored. */
  sender?: { verdict: AuthVerdict | null; trust: SenderTrust };
}

export interface ParseOptions {
  /** The server's INTERNALDATE, used when the Date header is missing or absurd. */
  internalDate?: Date | null;
  now: Date;
}

// Trace fields added on the way in differ between two deliveries of the same mail (two aliases,
// a copy in another folder); they are left out of the content hash so those copies are one message.
const TRACE_FIELDS = new Set([
  'return-path',
  'received',
  'delivered-to',
  'x-original-to',
  'envelope-to',
  'x-envelope-to',
]);

// The earliest plausible mail date, and how far ahead of our clock a sender's clock may be.
const EARLIEST_DATE = Date.UTC(1990, 0, 1);
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Splits the header block from the body without decoding anything (bare LF tolerated). */
function splitHeaderBlock(raw: Buffer): { header: string; bodyStart: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  let end = -1;
  let sepLength = 0;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) {
    end = crlf;
    sepLength = 4;
  } else if (lf !== -1) {
    end = lf;
    sepLength = 2;
  }
  if (end === -1) return { header: raw.toString('latin1'), bodyStart: raw.length };
  return { header: raw.subarray(0, end).toString('latin1'), bodyStart: end + sepLength };
}

/** Unfolded raw header fields, keyed by lower-case name; values are undecoded (latin1). */
export function readRawHeaders(raw: Buffer): Map<string, string[]> {
  const { header } = splitHeaderBlock(raw);
  const fields = new Map<string, string[]>();
  let current: { name: string; value: string } | null = null;
  const flush = () => {
    if (!current) return;
    const list = fields.get(current.name) ?? [];
    list.push(current.value.trim());
    fields.set(current.name, list);
  };
  for (const line of header.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      current.value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    current =
      colon > 0 ? { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) } : null;
  }
  flush();
  return fields;
}

/** Hash of the message minus its trace headers, with line endings normalised. */
export function contentHashOf(raw: Buffer): string {
  const { header, bodyStart } = splitHeaderBlock(raw);
  const hash = createHash('sha256');
  let skipping = false;
  for (const line of header.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) hash.update(line.trimEnd() + '\n');
      continue;
    }
    const name = line
      .slice(0, Math.max(0, line.indexOf(':')))
      .trim()
      .toLowerCase();
    skipping = TRACE_FIELDS.has(name);
    if (!skipping) hash.update(line.trimEnd() + '\n');
  }
  hash.update('\n');
  hash.update(raw.subarray(bodyStart).toString('latin1').replace(/\r\n/g, '\n'));
  return hash.digest('hex');
}

function flattenAddresses(list: PostalAddress[] | PostalAddress | undefined): ParsedAddress[] {
  if (!list) return [];
  const items = Array.isArray(list) ? list : [list];
  const out: ParsedAddress[] = [];
  for (const item of items) {
    if (item.group) out.push(...flattenAddresses(item.group));
    else if (item.address)
      out.push({
        name: repairC1(item.name?.trim() ?? '') || null,
        address: item.address.trim().toLowerCase(),
      });
  }
  return out;
}

function plausibleDate(value: string | undefined, now: Date): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time) || time < EARLIEST_DATE || time > now.getTime() + MAX_CLOCK_SKEW_MS) return null;
  return new Date(time);
}

function toBuffer(content: ArrayBuffer | Uint8Array | string): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof Uint8Array)
    return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  return Buffer.from(content);
}

function fallbackSubject(headers: Map<string, string[]>): string {
  return headers.get('subject')?.[0] ?? '';
}

// windows-1252 at 0x80-0x9F. Node >= 20.18.3 decodes windows-1252 (and the latin1/ascii labels
// that map to it) as if it were ISO-8859-1, so Outlook's “ ” – € arrive as C1 controls
// (nodejs/node#56542, #60888). Real text never contains C1 controls, so they are mapped back.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function repairC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/**
 * The bytes handed to the MIME parser (raw itself is never changed): CR-only line endings become
 * CRLF, and a multipart Content-Type missing the ";" before boundary= gets it back. Without these
 * the parser sees one endless header, or a multipart without a boundary, and drops the body.
 */
function parserInput(raw: Buffer): Buffer {
  let text: string | null = null;
  if (raw.indexOf(0x0a) === -1 && raw.indexOf(0x0d) !== -1)
    text = raw.toString('latin1').replace(/\r/g, '\r\n');
  if (/boundary/i.test(raw.subarray(0, 1 << 20).toString('latin1'))) {
    const source = text ?? raw.toString('latin1');
    const fixed = source.replace(
      /^(content-type:[ \t]*multipart\/[^\s;]+)((?:[ \t]|\r?\n[ \t])+)(boundary[ \t]*=)/gim,
      '$1;$2$3',
    );
    if (fixed !== source) text = fixed;
  }
  return text === null ? raw : Buffer.from(text, 'latin1');
}

/** "text /plain", "(c) text (c) / plain", "type/sub junk": the type/subtype pair, lower-cased. */
function normaliseMimeType(value: string): string {
  const m = /^\s*([^\s/;]+)\s*\/\s*([^\s;]+)/.exec(value);
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : value || 'application/octet-stream';
}

/** Subject unfolded as fold = one space (RFC 5322 keeps the whitespace; readers collapse it). */
function unfoldedSubject(email: Email | null): string | undefined {
  const line = email?.headerLines?.find((h) => h.key === 'subject')?.line;
  if (line === undefined) return email?.subject;
  return decodeWords(
    line
      .slice(line.indexOf(':') + 1)
      .replace(/[ \t]*\r?\n[ \t]+/g, ' ')
      .trim(),
  );
}

/**
 * Replaces each winmail.dat (TNEF) by the files inside it, and returns the body it carries. The
 * original is kept when the stream is damaged or nothing could be read from it, so nothing is lost.
 */
function unpackTnef(attachments: ParsedAttachment[]): {
  attachments: ParsedAttachment[];
  text?: string;
  html?: string;
  rtf?: Buffer;
} {
  const out: ParsedAttachment[] = [];
  let text: string | undefined;
  let html: string | undefined;
  let rtf: Buffer | undefined;
  for (const attachment of attachments) {
    if (!isTnefAttachment(attachment)) {
      out.push(attachment);
      continue;
    }
    const tnef = extractTnef(attachment.content);
    for (const file of tnef.files) {
      out.push({
        filename: file.filename,
        contentType: file.contentType ?? 'application/octet-stream',
        contentId: file.contentId ?? null,
        disposition: file.contentId ? 'inline' : 'attachment',
        content: file.content,
      });
    }
    text ??= tnef.body?.text;
    html ??= tnef.body?.html;
    rtf ??= tnef.body?.rtfCompressed ? (decompressRtf(tnef.body.rtfCompressed) ?? undefined) : undefined;
    if (!tnef.complete || (tnef.files.length === 0 && !tnef.body)) out.push(attachment);
  }
  return { attachments: out, text, html, rtf };
}

/**
 * Parses raw RFC 5322 bytes. Never throws on bad mail: what cannot be decoded is reported in
 * `parseError` and the raw bytes travel on, so nothing is lost to a parser bug.
 */
export async function parseMessage(raw: Buffer, options: ParseOptions): Promise<ParsedMessage> {
  const rawSha256 = sha256Hex(raw);
  const contentHash = contentHashOf(raw);
  const headers = withoutControlHeaders(readRawHeaders(raw));
  let email: Email | null = null;
  let parseError: string | null = null;
  try {
    email = await PostalMime.parse(parserInput(raw), { attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    parseError = `could not parse MIME structure: ${(err as Error).message}`;
  }

  const headerMessageId = normalizeMessageId(email?.messageId ?? headers.get('message-id')?.[0] ?? '');
  const messageId = headerMessageId ?? `${contentHash.slice(0, 32)}@synthesised.newsdesk.invalid`;
  const fromList = flattenAddresses(email?.from);
  const fallbackDate = options.internalDate ?? options.now;
  const headerDate = plausibleDate(email?.date ?? headers.get('date')?.[0], options.now);
  const tnef = unpackTnef(
    (email?.attachments ?? []).map((a) => ({
      filename: a.filename ? repairC1(a.filename) : a.filename,
      contentType: normaliseMimeType(a.mimeType),
      contentId: a.contentId ?? null,
      disposition: a.disposition,
      content: toBuffer(a.content),
    })),
  );
  const attachments = tnef.attachments;
  let html = email?.html ? repairC1(email.html) : null;
  let text = repairC1(email?.text ?? '');
  // Outlook often sends the only real body inside winmail.dat.
  if (!html && tnef.html) html = tnef.html;
  if (!text.trim() && tnef.text) text = tnef.text;
  const textFromHtml = !text.trim() && Boolean(html);
  if (textFromHtml && html) text = htmlToText(html);
  if (!text.trim() && !html && tnef.rtf)
    attachments.push({
      filename: 'message.rtf',
      contentType: 'application/rtf',
      contentId: null,
      disposition: 'attachment',
      content: tnef.rtf,
    });
  // A body that decodes to nothing at all is shown as "could not fully parse", with the original.
  const { bodyStart } = splitHeaderBlock(raw);
  if (
    !parseError &&
    !text.trim() &&
    !html &&
    attachments.length === 0 &&
    /[^\s]/.test(raw.subarray(bodyStart, bodyStart + 65536).toString('latin1'))
  )
    parseError = 'no readable part found in a non-empty body';

  return {
    raw,
    rawSha256,
    contentHash,
    messageId,
    messageIdSynthetic: headerMessageId === null,
    inReplyTo: parseMessageIdList(email?.inReplyTo ?? headers.get('in-reply-to')?.[0]),
    references: parseMessageIdList(email?.references ?? headers.get('references')?.[0]),
    from: fromList[0] ?? { name: null, address: '' },
    to: flattenAddresses(email?.to),
    cc: flattenAddresses(email?.cc),
    subject: repairC1(unfoldedSubject(email) ?? fallbackSubject(headers))
      .replace(/[\r\n\t]+/g, ' ')
      .trim(),
    date: headerDate ?? fallbackDate,
    dateHeaderValid: headerDate !== null,
    text: text.replace(/\r\n/g, '\n'),
    html,
    attachments,
    headers,
    parseError,
    textFromHtml,
  };
}
