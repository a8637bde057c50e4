// Small readers over raw header values and embedded header blocks. Pure string work.

export type HeaderMap = Map<string, string[]>;

/** The first value of a header field, trimmed, or undefined when absent. */
export function first(headers: HeaderMap, name: string): string | undefined {
  return headers.get(name)?.[0]?.trim();
}

/** Whether the field is present at all (some markers, e.g. X-MS-Exchange-Message-Is-Ndr, are empty). */
export function has(headers: HeaderMap, name: string): boolean {
  return (headers.get(name)?.length ?? 0) > 0;
}

/** The value without RFC 5322 comments, lower-cased: "auto-generated (failure)" → "auto-generated". */
export function token(value: string): string {
  return value
    .replace(/\([^()]*\)/g, ' ')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/**
 * Whether the topmost Return-Path is the null reverse-path `<>`: RFC 5321 §4.5.5 reserves it for
 * notifications (DSNs, auto-replies per RFC 3834 §3.3), and nothing may be sent back to it.
 */
export function hasNullReturnPath(headers: HeaderMap): boolean {
  const value = first(headers, 'return-path');
  return value !== undefined && /^<\s*>/.test(value.replace(/\([^()]*\)/g, '').trim());
}

export interface ContentType {
  type: string;
  params: Map<string, string>;
}

/** The top-level Content-Type: media type lower-cased, parameters by lower-cased name, quotes removed. */
export function contentType(headers: HeaderMap): ContentType {
  const value = first(headers, 'content-type') ?? '';
  const params = new Map<string, string>();
  for (const m of value.matchAll(/;\s*([\w.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)/g)) {
    params.set(m[1]!.toLowerCase(), m[2]!.replace(/^"|"$/g, '').trim());
  }
  return { type: (value.split(';')[0] ?? '').trim().toLowerCase(), params };
}

/** A part's media type without parameters, lower-cased. */
export function mediaType(contentTypeValue: string): string {
  return (contentTypeValue.split(';')[0] ?? '').trim().toLowerCase();
}

/** Whether the multipart/report carries the given report-type (RFC 6522 §3). */
export function isReport(headers: HeaderMap, reportType: string): boolean {
  const ct = contentType(headers);
  return ct.type === 'multipart/report' && ct.params.get('report-type')?.toLowerCase() === reportType;
}

const ADDRESS = /[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;

/** Every address-looking token in a text, lower-cased, in order, without duplicates. */
export function addressesIn(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(ADDRESS)) {
    const address = m[0].replace(/^[.]+|[.]+$/g, '').toLowerCase();
    if (address.includes('@')) seen.add(address);
  }
  return [...seen];
}

/** Splits raw bytes or text into its header block and body (bare LF tolerated). */
export function splitMessage(text: string): { header: string; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return { header: text, body: '' };
  return { header: text.slice(0, m.index), body: text.slice(m.index + m[0].length) };
}

/** Unfolded fields of a header block (an embedded message/rfc822 or text/rfc822-headers part). */
export function readHeaderBlock(block: string): HeaderMap {
  const fields: HeaderMap = new Map();
  let name: string | null = null;
  let value = '';
  const flush = (): void => {
    if (name === null) return;
    const list = fields.get(name) ?? [];
    list.push(value.trim());
    fields.set(name, list);
    name = null;
  };
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (name !== null) value += ' ' + line.trim();
      continue;
    }
    flush();
    const m = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    if (m) {
      name = m[1]!.toLowerCase();
      value = m[2]!;
    }
  }
  flush();
  return fields;
}
