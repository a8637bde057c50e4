// The header values of an outgoing reply, derived from what the journalist sent. Pure: no I/O, no clock.
// Everything taken from inbound mail (subject, names, addresses, ids) is treated as hostile (O-11, O-12).
import { normalizeMessageId } from '../../domain/message-id.ts';

/** How many ids a References header keeps: the root plus the nearest ancestors (O-13, RFC 5322 §3.6.4). */
const REFERENCES_KEEP_FIRST = 1;
const REFERENCES_KEEP_LAST = 10;
const MAX_SUBJECT_LENGTH = 400;
const MAX_NAME_LENGTH = 200;

/**
 * A header value with every line break and control character gone: CR, LF, NUL, U+2028/U+2029, and
 * bidi controls (a display name must not reorder what staff or the journalist see). Whitespace runs
 * collapse so nothing can start a new header line.
 */
export function headerSafe(value: string, maxLength = MAX_SUBJECT_LENGTH): string {
  const cleaned = (value ?? '')
    .replace(/[\p{Cc}\u2028\u2029\u0085]/gu, ' ')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  return [...cleaned].slice(0, maxLength).join('');
}

/** A display name that is safe in From/To: no breaks, no controls, bounded. */
export function safeDisplayName(name: string | null | undefined): string {
  return headerSafe(name ?? '', MAX_NAME_LENGTH);
}

// Only reply markers are removed before adding our own "Re:"; list tags and ticket tokens stay, since
// the journalist's own tools may rely on them.
const REPLY_PREFIX =
  /^\s*(?:re|aw|sv|vs|antw|antwort|odp|ynt|res|rif|r|رد|الرد)\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：،]\s*/iu;

/** "Re: <subject>" with exactly one reply prefix, however many the thread has collected. */
export function replySubject(original: string): string {
  let rest = headerSafe(original);
  for (let i = 0; i < 50; i++) {
    const match = REPLY_PREFIX.exec(rest);
    if (!match || match[0].length === 0) break;
    rest = rest.slice(match[0].length);
  }
  return rest ? `Re: ${rest}` : 'Re:';
}

/**
 * The References of our reply: the parent's chain plus the parent, only well-formed ids, bounded to
 * the root and the last few ancestors so a 10,000-id chain cannot grow our header without limit.
 */
export function referencesChain(
  parentReferences: readonly string[],
  parentMessageId: string | null,
): string[] {
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const candidate of [...parentReferences, ...(parentMessageId ? [parentMessageId] : [])]) {
    const id = normalizeMessageId(candidate);
    if (id !== null && !seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  if (ids.length <= REFERENCES_KEEP_FIRST + REFERENCES_KEEP_LAST) return ids;
  return [...ids.slice(0, REFERENCES_KEEP_FIRST), ...ids.slice(ids.length - REFERENCES_KEEP_LAST)];
}

/** The right-hand side of our Message-IDs: the domain of the newsdesk address. */
export function messageIdDomain(ownAddress: string): string {
  const domain = ownAddress.slice(ownAddress.lastIndexOf('@') + 1).toLowerCase();
  return /^[a-z0-9.-]+$/.test(domain) && domain.length > 0 ? domain : 'newsdesk.invalid';
}

/**
 * Our Message-ID (bare, without <>): it carries the thread id so a journalist's answer that keeps only
 * In-Reply-To, or a bounce, leads back to the conversation.
 */
export function replyMessageId(threadId: number, random: string, domain: string): string {
  return `reply.${threadId}.${random.replace(/[^a-z0-9]/gi, '')}@${domain}`;
}

const OWN_ID = /^reply\.(\d{1,12})\.[a-z0-9]+@(.+)$/i;

/** The thread id inside one of our own Message-IDs, or null if the id is not in our format and domain. */
export function threadIdFromReplyId(messageId: string, domain: string): number | null {
  const match = OWN_ID.exec(messageId);
  if (!match || match[2]!.toLowerCase() !== domain.toLowerCase()) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

// An addr-spec we are willing to hand to SMTP: no spaces, quotes, comments, brackets or separators,
// exactly one '@', a dotted domain. Anything odder is refused rather than guessed at (O-12).
const SAFE_ADDRESS =
  /^[^\s@<>()[\]",;:\\\p{Cc}]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+$/iu;

/** The address as it will be used on the envelope, or null when it is not a plain deliverable address. */
export function deliverableAddress(address: string | null | undefined): string | null {
  const trimmed = (address ?? '').trim();
  if (trimmed.length > 254 || !SAFE_ADDRESS.test(trimmed)) return null;
  const at = trimmed.lastIndexOf('@');
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

export interface Party {
  name: string | null;
  address: string;
}

export interface ReplyRecipients {
  to: Party[];
  cc: Party[];
  /** Addresses dropped because they are not plain deliverable addresses. */
  refused: string[];
}

/**
 * Who a reply goes to: the sender shown to staff ("what you see is where it goes"), and for reply-all
 * also the original To and Cc, without our own address and without repeats.
 */
export function replyRecipients(
  original: { from: Party; to: Party[]; cc: Party[] },
  options: { replyAll: boolean; ownAddresses: string[] },
): ReplyRecipients {
  const own = new Set(options.ownAddresses.map((a) => a.toLowerCase()));
  const seen = new Set<string>();
  const refused: string[] = [];
  const take = (party: Party): Party | null => {
    const address = deliverableAddress(party.address);
    if (address === null) {
      if (party.address) refused.push(party.address);
      return null;
    }
    const key = address.toLowerCase();
    if (own.has(key) || seen.has(key)) return null;
    seen.add(key);
    return { name: safeDisplayName(party.name) || null, address };
  };
  const to = [take(original.from)].filter((p): p is Party => p !== null);
  const cc = options.replyAll
    ? [...original.to, ...original.cc].map(take).filter((p): p is Party => p !== null)
    : [];
  return { to, cc, refused };
}

/** The original below our words, each line marked with "> " and bounded in length. */
export function quotedOriginal(
  original: { text: string; date: Date; from: Party },
  maxChars = 20_000,
): string {
  const who = safeDisplayName(original.from.name)
    ? `${safeDisplayName(original.from.name)} <${original.from.address}>`
    : original.from.address;
  const trimmed = original.text.replace(/\s+$/u, '');
  const body = trimmed.length > maxChars ? `${trimmed.slice(0, maxChars)}\n[…]` : trimmed;
  const quoted = body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`.trimEnd()))
    .join('\n');
  return `On ${original.date.toUTCString()}, ${who} wrote:\n${quoted}`;
}
