/** RFC 5322 says a msg-id is a single line; anything longer than a header line is junk, not an id. */
const MAX_ID_LENGTH = 998;

/** How many ids of a huge References header survive: the root plus the nearest ancestors (RFC 5322 §3.6.4). */
const KEEP_FIRST = 1;
const KEEP_LAST = 100;

const FORBIDDEN_IN_ID = /[\s<>()"\\,;\p{Cc}]/u;

function validId(candidate: string): string | null {
  const id = candidate.trim();
  // Message-IDs compare as opaque strings (RFC 5322 §3.6.4), so no case folding. The '@' rule keeps
  // placeholders such as "<unknown>" or a bare word from a phrase from linking unrelated mail.
  if (id.length === 0 || id.length > MAX_ID_LENGTH || FORBIDDEN_IN_ID.test(id)) return null;
  const at = id.lastIndexOf('@');
  if (at <= 0 || at === id.length - 1) return null;
  return id;
}

/** Skips a (possibly nested) comment or a quoted string starting at `start`; returns the index after it. */
function skipDelimited(text: string, start: number): number {
  const open = text[start];
  if (open === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return text.length;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return text.length;
}

interface Tokens {
  bracketed: string[];
  bare: string[];
}

/** Splits a header into `<…>` contents and bare words, ignoring comments and quoted phrases. */
function tokenize(header: string): Tokens {
  const bracketed: string[] = [];
  const bare: string[] = [];
  let word = '';
  const flushWord = (): void => {
    if (word) bare.push(word);
    word = '';
  };
  let i = 0;
  while (i < header.length) {
    const ch = header[i]!;
    if (ch === '<') {
      flushWord();
      // Padding inside the brackets is tolerated; an unclosed bracket ends at the next whitespace or
      // '<' so one typo does not swallow the rest of the header.
      let j = i + 1;
      while (j < header.length && /\s/u.test(header[j]!)) j++;
      const start = j;
      while (j < header.length && header[j] !== '>' && header[j] !== '<' && !/\s/u.test(header[j]!)) j++;
      bracketed.push(header.slice(start, j));
      let k = j;
      while (k < header.length && /\s/u.test(header[k]!)) k++;
      i = header[k] === '>' ? k + 1 : j;
    } else if (ch === '(' || ch === '"') {
      flushWord();
      i = skipDelimited(header, i);
    } else if (/[\s,;>]/u.test(ch)) {
      flushWord();
      i++;
    } else {
      word += ch;
      i++;
    }
  }
  flushWord();
  return { bracketed, bare };
}

/** The canonical form of one Message-ID (no brackets, comments or whitespace), or null if it is not one. */
export function normalizeMessageId(raw: string): string | null {
  if (!raw) return null;
  const { bracketed, bare } = tokenize(raw);
  // An id with an inner space ("<a b@c>") surfaces from tokenize() as a fragment without its '@'
  // half and is rejected rather than guessed at.
  if (bracketed.length > 0) return validId(bracketed[0]!);
  return bare.length === 1 ? validId(bare[0]!) : null;
}

/** The Message-IDs of an In-Reply-To or References header, in order, deduplicated and bounded. */
export function parseMessageIdList(header: string | undefined): string[] {
  if (!header) return [];
  const { bracketed, bare } = tokenize(header);
  // Bare words are only trusted when the client wrote no brackets at all; otherwise they are the
  // phrase of an old-style In-Reply-To ("Joe's message of …") and may contain an address.
  const source = bracketed.length > 0 ? bracketed : bare;
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const token of source) {
    const id = validId(token);
    if (id !== null && !seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  if (ids.length <= KEEP_FIRST + KEEP_LAST) return ids;
  return [...ids.slice(0, KEEP_FIRST), ...ids.slice(ids.length - KEEP_LAST)];
}
