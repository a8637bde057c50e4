// Turns an authentication verdict plus the From header into what the thread shows: "verified",
// "unverified" or "possible spoof", with plain-language warnings (BAD-INPUTS A-02, A-08…A-12).
// Pure: no I/O; the verdict comes from server/mail/auth/verify.ts.
import { domainToASCII, domainToUnicode } from 'node:url';
import type { AuthVerdict } from '../mail/auth/verify.ts';

export type TrustLevel = 'verified' | 'unverified' | 'possible-spoof';

export interface TrustWarning {
  code: string;
  message: string;
}

export interface SenderTrust {
  level: TrustLevel;
  warnings: TrustWarning[];
  /** The reply address as it should be shown: IDN domains in punycode (UTS #46 / RFC 5891). */
  displayAddress: string;
}

const RANK: Record<TrustLevel, number> = { verified: 0, unverified: 1, 'possible-spoof': 2 };

/** Letters from other scripts that render like Latin ones (a small subset of Unicode's confusables.txt). */
const CONFUSABLE_TO_LATIN: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ɡ: 'g',
  ᴠ: 'v',
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  ι: 'i',
  κ: 'k',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ε: 'e',
  '0': 'o',
  '1': 'l',
};

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Thai',
  'Devanagari',
  'Georgian',
  'Cherokee',
] as const;
const SCRIPT_RES = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);

function scriptOf(ch: string): string | null {
  if (/[0-9-]/.test(ch)) return null; // digits and hyphens are shared by every script
  for (const [name, re] of SCRIPT_RES) if (re.test(ch)) return name;
  return 'Other';
}

/** Scripts used in one DNS label; Han with Hiragana/Katakana counts as one (Japanese). */
function labelScripts(label: string): Set<string> {
  const out = new Set<string>();
  for (const ch of label) {
    const s = scriptOf(ch);
    if (s) out.add(s === 'Hiragana' || s === 'Katakana' ? 'Han' : s);
  }
  return out;
}

/** Lowercased skeleton: confusable letters mapped to Latin, so "fсo.gov.uk" (Cyrillic с) ≈ "fco.gov.uk". */
function skeleton(domain: string): string {
  return [...domain.toLowerCase().normalize('NFKC')].map((ch) => CONFUSABLE_TO_LATIN[ch] ?? ch).join('');
}

/** Optimal-string-alignment distance (Damerau–Levenshtein with adjacent swaps), capped for speed. */
function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const prev2: number[] = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2.splice(0, prev2.length, ...prev);
    prev = cur;
  }
  return prev[b.length]!;
}

const ADDR_RE = /[^\s<>"'(),;:[\]@]+@[^\s<>"'(),;:[\]@]+\.[^\s<>"'(),;:[\]@]+/gu;

function addressesIn(text: string): string[] {
  return (text.match(ADDR_RE) ?? []).map((a) => a.toLowerCase().replace(/\.$/, ''));
}

/** Characters outside quoted strings and comments (RFC 5322 §3.2.4, §3.2.2), to spot real syntax. */
function unquoted(text: string): string {
  let out = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && (quoted || depth > 0)) {
      i++;
      continue;
    }
    if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && depth > 0) depth--;
    else if (depth === 0 && ch === '"') quoted = !quoted;
    else if (!quoted && depth === 0) out += ch;
  }
  return out;
}

function isSameOrSubdomain(domain: string, of: string): boolean {
  return domain === of || domain.endsWith(`.${of}`);
}

function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return at < 0
    ? { local: address, domain: '' }
    : { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/** Decides how far to trust a sender and explains why, for the thread header and the reply composer. */
export function senderTrust(
  verdict: AuthVerdict | null,
  from: { name: string | null; address: string },
  rawFromHeader: string,
  ownDomains: string[],
): SenderTrust {
  const warnings: TrustWarning[] = [];
  let level: TrustLevel = 'unverified';
  const raise = (to: TrustLevel): void => {
    if (RANK[to] > RANK[level]) level = to;
  };
  const warn = (code: string, message: string, to?: TrustLevel): void => {
    warnings.push({ code, message });
    if (to) raise(to);
  };

  const address = from.address.trim();
  const { local, domain: rawDomain } = splitAddress(address);
  const domainUnicode = domainToUnicode(rawDomain.toLowerCase()) || rawDomain.toLowerCase();
  const domainAscii = domainToASCII(rawDomain.toLowerCase());
  const displayAddress = domainAscii ? `${local}@${domainAscii}` : address;
  const shownDomain = domainAscii || rawDomain;

  // ---- what the authentication checks say ----
  if (!verdict) {
    warn('auth-not-checked', 'We have not checked who really sent this message.');
  } else {
    if (verdict.summary === 'pass') level = 'verified';
    if (verdict.dmarc === 'fail') {
      if (verdict.arcTrusted && verdict.arcSealer) {
        warn(
          'arc-forwarded',
          `Forwarded by ${verdict.arcSealer}; that forwarder confirms the original sender was verified (ARC pass).`,
        );
      } else if (verdict.dmarcPolicy === 'reject' || verdict.dmarcPolicy === 'quarantine') {
        warn(
          'dmarc-fail',
          `This message failed the authentication checks of ${shownDomain}, whose owner asks for such mail to be ${verdict.dmarcPolicy === 'reject' ? 'rejected' : 'treated as suspicious'}. It may not be from ${shownDomain} at all.`,
          'possible-spoof',
        );
      } else {
        warn(
          'dmarc-fail',
          `This message failed the authentication checks of ${shownDomain}; we cannot confirm it came from there.`,
        );
      }
    } else if (
      verdict.arcTrusted &&
      verdict.arcSealer &&
      verdict.summary === 'pass' &&
      verdict.dmarc !== 'pass'
    ) {
      warn(
        'arc-forwarded',
        `Forwarded by ${verdict.arcSealer}; that forwarder confirms the original sender was verified (ARC pass).`,
      );
    }
    if (verdict.dmarc === 'permerror') {
      warn(
        'from-unusable',
        'The sender address of this message could not be checked because its From line is not a single valid address.',
        'possible-spoof',
      );
    }
    if (verdict.summary === 'temperror') {
      warn(
        'auth-temperror',
        'We could not finish checking the sender just now (a DNS lookup failed); we will try again.',
      );
    }
    if (verdict.dkimPartial) {
      warn(
        'dkim-partial',
        'Part of this message is not covered by the sender’s signature: text may have been added after it was sent.',
      );
      if (level === 'verified') level = 'unverified';
    }
    if (verdict.headerFrom && verdict.headerFrom.toLowerCase() !== address.toLowerCase()) {
      warn(
        'from-mismatch',
        `The checks were made for ${verdict.headerFrom}, but a reply would go to ${displayAddress}.`,
        'possible-spoof',
      );
    }
  }

  // ---- a display name that carries another address (A-12) ----
  const nameAddresses = from.name ? addressesIn(from.name).filter((a) => a !== address.toLowerCase()) : [];
  if (nameAddresses.length > 0) {
    warn(
      'display-name-address',
      `The sender’s name shows “${nameAddresses[0]}”, but the message really comes from ${displayAddress}.`,
      'possible-spoof',
    );
  }

  // ---- odd From syntax (A-10): anything that could make other software show a different mailbox ----
  const rawValue = rawFromHeader.replace(/^\s*from\s*:/i, '');
  const bare = unquoted(rawValue);
  const rawAddresses = addressesIn(rawValue).filter(
    (a) => a !== address.toLowerCase() && !nameAddresses.includes(a),
  );
  const angleCount = (bare.match(/</g) ?? []).length;
  if (rawAddresses.length > 0 || angleCount > 1 || /[:;]/.test(bare.replace(/<[^<>]*>/g, ''))) {
    warn(
      'odd-from-syntax',
      `The sender line is unusual (“${rawValue.trim().slice(0, 120)}”). A reply will go to ${displayAddress} only${rawAddresses[0] ? `, not to ${rawAddresses[0]}` : ''}.`,
      'possible-spoof',
    );
  }

  // ---- IDN, homographs and mixed scripts (A-11) ----
  if (rawDomain) {
    const labels = domainUnicode.split('.');
    const mixed = labels.some((l) => labelScripts(l).size > 1);
    const nonAscii = /[^\p{ASCII}]/u.test(domainUnicode);
    const sk = skeleton(domainUnicode);
    const wholeScriptConfusable = nonAscii && !mixed && /^\p{ASCII}+$/u.test(sk);
    if (mixed || wholeScriptConfusable) {
      warn(
        'homograph-domain',
        `The sender’s domain mixes look-alike letters from different alphabets; its real form is ${shownDomain}${sk !== domainUnicode && /^\p{ASCII}+$/u.test(sk) ? `, which only imitates ${sk}` : ''}.`,
        'possible-spoof',
      );
    } else if (nonAscii) {
      warn('idn-domain', `The sender’s domain uses non-Latin letters; its real form is ${shownDomain}.`);
    }
    if (!domainAscii)
      warn(
        'invalid-domain',
        `The sender’s domain “${rawDomain}” is not a valid domain name.`,
        'possible-spoof',
      );
  }

  // ---- our own domains: exact claims must be verified, near misses are lookalikes ----
  const fromDomain = (domainAscii || rawDomain).toLowerCase();
  const own = ownDomains.map((d) => (domainToASCII(d.toLowerCase()) || d.toLowerCase()).replace(/\.$/, ''));
  const ownMatch = own.find((d) => isSameOrSubdomain(fromDomain, d));
  if (ownMatch) {
    if (verdict && verdict.summary !== 'pass' && verdict.summary !== 'temperror') {
      warn(
        'own-domain-unverified',
        `This message claims to come from our own domain ${ownMatch}, but it did not pass authentication.`,
        'possible-spoof',
      );
    }
  } else if (fromDomain) {
    const sk = skeleton(domainUnicode);
    const lookalike = own.find((d) => {
      if (sk === d || isSameOrSubdomain(sk, d)) return true;
      // Our domain used as the left-hand labels of someone else's ("fco.gov.uk.co", "fco.gov.uk.evil.example").
      if (fromDomain.startsWith(`${d}.`) || fromDomain.includes(`.${d}.`)) return true;
      const dist = editDistance(fromDomain, d);
      return dist >= 1 && dist <= 2 && d.length >= 6;
    });
    if (lookalike) {
      warn(
        'lookalike-own-domain',
        `The sender’s domain ${shownDomain} looks like our own ${lookalike} but is a different domain.`,
        'possible-spoof',
      );
    }
  }

  return { level, warnings, displayAddress };
}
