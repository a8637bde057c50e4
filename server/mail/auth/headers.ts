// Raw header-field access for authentication checks: byte-exact, so nothing is re-encoded before
// the DKIM verifier or the stripping helpers see it.

export interface RawField {
  /** Lowercased field name. */
  name: string;
  /** Unfolded value (RFC 5322 §2.2.3), latin1-decoded so bytes survive. */
  value: string;
  /** Byte offsets of the whole field, including its line ending. */
  start: number;
  end: number;
}

/** The header fields of a raw message, in order (bare LF tolerated). */
export function rawHeaderFields(raw: Buffer): RawField[] {
  const text = raw.toString('latin1');
  const fields: RawField[] = [];
  let pos = 0;
  let current: RawField | null = null;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl + 1;
    const line = text.slice(pos, lineEnd).replace(/\r?\n$/, '');
    if (line === '') break;
    if (/^[ \t]/.test(line) && current) {
      current.value += ' ' + line.trim();
      current.end = lineEnd;
    } else {
      const colon = line.indexOf(':');
      current =
        colon > 0
          ? {
              name: line.slice(0, colon).trim().toLowerCase(),
              value: line.slice(colon + 1).trim(),
              start: pos,
              end: lineEnd,
            }
          : null;
      if (current) fields.push(current);
    }
    pos = lineEnd;
  }
  return fields;
}

/** The authserv-id of an Authentication-Results value (RFC 8601 §2.2), lowercased, comments removed. */
export function authServIdOf(value: string): string {
  let depth = 0;
  let out = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  const id = out.split(';')[0]?.trim().split(/\s+/)[0] ?? '';
  return id.toLowerCase().replace(/\.$/, '');
}

/** Hostname equality ignoring case and a trailing root dot. */
function sameHost(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}

/** Authentication-Results fields that claim our authserv-id. */
export function ownAuthResults(raw: Buffer, authServId: string): RawField[] {
  return rawHeaderFields(raw).filter(
    (f) => f.name === 'authentication-results' && sameHost(authServIdOf(f.value), authServId),
  );
}

/**
 * Removes Authentication-Results fields carrying our authserv-id: RFC 8601 §5 says an MTA must not
 * trust (and should delete) such fields arriving from outside, since only our own MX may write them.
 */
export function stripOwnAuthResults(raw: Buffer, authServId: string): Buffer {
  const drop = ownAuthResults(raw, authServId);
  if (drop.length === 0) return raw;
  const parts: Buffer[] = [];
  let pos = 0;
  for (const f of drop) {
    parts.push(raw.subarray(pos, f.start));
    pos = f.end;
  }
  parts.push(raw.subarray(pos));
  return Buffer.concat(parts);
}

export { sameHost };
