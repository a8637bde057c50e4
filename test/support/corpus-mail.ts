// Just enough mail parsing to read the shared threading corpora (mbox and maildir files): headers
// unfolded, RFC 2047 words decoded, dates and addresses pulled out. Test-only, by design tiny.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared corpora directory (NEWSDESK_SHARED overrides the sibling `../shared` checkout). */
export function corporaDir(): string {
  return join(process.env.NEWSDESK_SHARED ?? resolve(PROJECT_ROOT, '../shared'), 'corpora');
}

/** Whether a corpus folder is present, logging one line when it is not so a skip is never silent. */
export function corpusAvailable(path: string, label: string): boolean {
  if (existsSync(path)) return true;
  console.log(`[corpus] ${label}: ${path} not found; skipping (set NEWSDESK_SHARED to the shared checkout)`);
  return false;
}

export interface MboxEntry {
  /** The "From " separator line, whose date stands in for the IMAP internal date. */
  fromLine: string;
  raw: string;
}

/** Splits an mbox file at "From " lines that start the file or follow a blank line. */
export function splitMbox(text: string): MboxEntry[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const entries: MboxEntry[] = [];
  let current: { fromLine: string; body: string[] } | null = null;
  lines.forEach((line, i) => {
    if (line.startsWith('From ') && (i === 0 || lines[i - 1] === '')) {
      if (current) entries.push({ fromLine: current.fromLine, raw: current.body.join('\n') });
      current = { fromLine: line, body: [] };
    } else if (current) {
      current.body.push(line);
    }
  });
  const last = current as { fromLine: string; body: string[] } | null;
  if (last) entries.push({ fromLine: last.fromLine, raw: last.body.join('\n') });
  return entries;
}

/** Header fields by lowercased name, values unfolded (RFC 5322 §2.2.3) but otherwise raw. */
export function parseHeaders(raw: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const lines = raw.replace(/\r\n/g, '\n').split('\n');
  let name: string | null = null;
  let value = '';
  const flush = (): void => {
    if (name === null) return;
    const list = headers.get(name) ?? [];
    list.push(value.trim());
    headers.set(name, list);
    name = null;
  };
  for (const line of lines) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (name !== null) value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return headers;
}

/** The first value of a header, or undefined. */
export function header(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

function decodeWord(charset: string, encoding: string, text: string): string {
  let bytes: Uint8Array;
  if (encoding.toUpperCase() === 'B') {
    bytes = Buffer.from(text, 'base64');
  } else {
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '_') out.push(0x20);
      else if (ch === '=' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
        out.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(ch.charCodeAt(0));
    }
    bytes = Uint8Array.from(out);
  }
  try {
    return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

/** Decodes RFC 2047 encoded-words; whitespace between adjacent encoded-words is dropped (§6.2). */
export function decodeMimeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[bq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bq]\?[^?\s]*\?=)/gi, '$1')
    .replace(/=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi, (_m, cs: string, enc: string, text: string) =>
      decodeWord(cs, enc, text),
    );
}

/** An RFC 5322 Date header as a Date, or null when absent or unparseable. */
export function parseMailDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isFinite(d.getTime()) ? d : null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The asctime date of an mbox "From " line ("Fri Feb 22 17:06:23 2008 [+0200]"), read as UTC unless zoned. */
export function parseFromLineDate(fromLine: string): Date | null {
  const m = /(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})(?:\s+([+-]\d{4}))?\s*$/.exec(fromLine);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!.toLowerCase());
  if (month < 0) return null;
  let t = Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  if (m[7]) {
    const sign = m[7][0] === '-' ? -1 : 1;
    t -= sign * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(3, 5))) * 60_000;
  }
  return new Date(t);
}

/** The lowercased address of the first mailbox in an address header. */
export function firstAddress(value: string | undefined): string {
  if (!value) return '';
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angle) return angle[1]!.toLowerCase();
  const bare = /[^\s<>"(),;:]+@[^\s<>"(),;:]+/.exec(value);
  return bare ? bare[0].toLowerCase() : '';
}

/** All regular files under `dir`, depth-first with entries in code-unit order (a stable "file walk"). */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walkFiles(path));
    else out.push(path);
  }
  return out;
}
