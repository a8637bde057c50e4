// Sender authentication at ingest: DKIM (RFC 6376), SPF (RFC 7208), DMARC (RFC 7489) and ARC
// (RFC 8617) through mailauth's building blocks, with DNS only through the injected resolver.
// This is an I/O edge: every lookup is bounded, and nothing here throws for a hostile message.
import { addressParser } from 'postal-mime';
import {
  dkimVerify,
  type MailauthDkimResult,
  type MailauthDkimVerifyResult,
} from 'mailauth/lib/dkim/verify.js';
import { spf as spfCheck } from 'mailauth/lib/spf/index.js';
import { arc as arcCheck, type MailauthArcResult } from 'mailauth/lib/arc/index.js';
import { dmarc as dmarcCheck } from 'mailauth/lib/dmarc/index.js';
import { getAlignment } from 'mailauth/lib/tools.js';
import { boundedResolver, type Resolver } from './resolver.ts';
import { ownAuthResults, rawHeaderFields } from './headers.ts';
import { clientFromOurHop } from './received.ts';

export type { Resolver } from './resolver.ts';

export interface AuthOptions {
  resolver: Resolver;
  /** Our MX's authserv-id: Authentication-Results with it in inbound mail are forged (RFC 8601 §5). */
  authServId: string;
  /** Take client IP/HELO/MAIL FROM from the Received field our MX (`mta`) added. */
  trustReceived?: boolean;
  ip?: string;
  helo?: string;
  /** Our MX hostname (the `by` of its Received field); defaults to `authServId`. */
  mta?: string;
  sender?: string;
  /** Per-lookup timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Budget for all lookups of one message (default 3 × timeoutMs). */
  totalTimeoutMs?: number;
  /** Minimum RSA key size for DKIM and ARC (default 1024, RFC 8301 §3.2). */
  minBitLength?: number;
  /** ARC sealers whose "pass" we accept for forwarded mail (RFC 8617 §7.2 leaves this to local policy). */
  trustedArcSealers?: string[];
  /** Verification time, for signature expiry (x=); defaults to now. */
  now?: Date;
}

export type DkimResult = 'pass' | 'fail' | 'none' | 'temperror' | 'permerror' | 'policy' | 'neutral';
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';
export type DmarcResult = 'pass' | 'fail' | 'none' | 'temperror' | 'permerror';

export interface AuthVerdict {
  dkim: DkimResult;
  dkimAligned: boolean;
  dkimDomains: string[];
  /** l= underSized: part of the message is not covered by a passing signature. */
  dkimPartial: boolean;
  spf: SpfResult;
  dmarc: DmarcResult;
  dmarcPolicy: 'none' | 'quarantine' | 'reject' | null;
  arc: 'pass' | 'fail' | 'none';
  /** d= of the newest ARC-Seal, when the chain validates. */
  arcSealer: string | null;
  /** The ARC chain passes and its newest sealer is in `trustedArcSealers`. */
  arcTrusted: boolean;
  /** The address the reply will go to. */
  headerFrom: string;
  /** For the export's "auth" field. */
  summary: 'pass' | 'fail' | 'none' | 'temperror';
  /** Authentication-Results fields with our authserv-id found in the message and ignored (RFC 8601 §5). */
  forgedAuthResults: number;
  /** Client data used for SPF, and any processing notes (for logs, not for display). */
  client: { ip: string | null; helo: string | null; sender: string | null };
  notes: string[];
}

const DKIM_RESULTS: readonly DkimResult[] = [
  'pass',
  'fail',
  'none',
  'temperror',
  'permerror',
  'policy',
  'neutral',
];
const SPF_RESULTS: readonly SpfResult[] = [
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
];
/** When no signature passes, the most telling result wins (transient first: it warrants a re-check). */
const DKIM_PRECEDENCE: readonly DkimResult[] = [
  'temperror',
  'fail',
  'policy',
  'permerror',
  'neutral',
  'none',
];

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The mailboxes of the first From field, groups flattened the way the parser does (RFC 5322 §3.4). */
function fromMailboxes(raw: Buffer): { addresses: string[]; fields: number } {
  const fields = rawHeaderFields(raw).filter((f) => f.name === 'from');
  const first = fields[0];
  if (!first) return { addresses: [], fields: 0 };
  const value = Buffer.from(first.value, 'latin1').toString('utf8');
  const addresses = addressParser(value, { flatten: true })
    .map((a) => (a.address ?? '').trim())
    .filter((a) => a.includes('@'));
  return { addresses, fields: fields.length };
}

function summarizeDkim(
  results: MailauthDkimResult[],
): Pick<AuthVerdict, 'dkim' | 'dkimAligned' | 'dkimDomains' | 'dkimPartial'> {
  const passing = results.filter((r) => r.status.result === 'pass');
  if (passing.length > 0) {
    return {
      dkim: 'pass',
      dkimAligned: passing.some((r) => Boolean(r.status.aligned)),
      dkimDomains: [...new Set(passing.map((r) => (r.signingDomain ?? '').toLowerCase()).filter(Boolean))],
      dkimPartial: passing.some((r) => (r.status.underSized ?? 0) > 0),
    };
  }
  const seen = new Set(results.map((r) => pick(r.status.result, DKIM_RESULTS, 'neutral')));
  return {
    dkim: DKIM_PRECEDENCE.find((r) => seen.has(r)) ?? 'none',
    dkimAligned: false,
    dkimDomains: [],
    dkimPartial: false,
  };
}

function isTrustedSealer(sealer: string, trusted: string[]): boolean {
  const s = sealer.toLowerCase();
  return trusted.some((t) => {
    const d = t.toLowerCase().replace(/^\.+|\.+$/g, '');
    return s === d || s.endsWith(`.${d}`);
  });
}

/** Verifies DKIM, SPF, DMARC and ARC for one raw message; never throws, never waits past the DNS budget. */
export async function verifySender(raw: Buffer, options: AuthOptions): Promise<AuthVerdict> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const dns = boundedResolver(options.resolver, timeoutMs, options.totalTimeoutMs ?? timeoutMs * 3);
  const resolver = dns.resolve;
  const minBitLength = options.minBitLength ?? 1024;
  const mta = options.mta ?? options.authServId;
  const notes: string[] = [];

  // RFC 8601 §5: our own authserv-id in an inbound message is forged. We never read these fields;
  // the verdict below comes only from our own checks. Counted so the caller can log it.
  const forgedAuthResults = ownAuthResults(raw, options.authServId).length;
  if (forgedAuthResults > 0)
    notes.push(`ignored ${forgedAuthResults} Authentication-Results with our authserv-id`);

  // DKIM (and the ARC chain parse that rides along with it).
  let dkimResult: MailauthDkimVerifyResult | null = null;
  try {
    dkimResult = await dkimVerify(raw, {
      resolver,
      minBitLength,
      ...(options.now ? { curTime: options.now } : {}),
    });
  } catch (err) {
    notes.push(`dkim: ${errorText(err)}`);
  }
  const dkim = dkimResult
    ? summarizeDkim(dkimResult.results)
    : { dkim: 'temperror' as const, dkimAligned: false, dkimDomains: [], dkimPartial: false };

  // SPF client: explicit options first, else the hop our MX recorded (never the topmost hop, A-04).
  let ip = options.ip;
  let helo = options.helo;
  let sender = options.sender;
  if (options.trustReceived) {
    const hop = clientFromOurHop(raw, mta);
    if (!hop) notes.push(`no Received field by ${mta}; SPF client unknown`);
    ip ??= hop?.ip;
    helo ??= hop?.helo;
    sender ??= hop?.sender ?? (dkimResult?.envelopeFrom || undefined);
  }
  let spf: SpfResult = 'none';
  let spfDomain: string | null = null;
  if (ip) {
    try {
      const result = await spfCheck({
        ip,
        helo: helo ?? `[${ip}]`,
        mta,
        resolver,
        ...(sender ? { sender } : {}),
      });
      spf = pick(result.status.result, SPF_RESULTS, 'temperror');
      spfDomain = result.domain;
    } catch (err) {
      spf = 'temperror';
      notes.push(`spf: ${errorText(err)}`);
    }
  } else {
    notes.push('spf: no client IP known; not evaluated');
  }

  // ARC (RFC 8617 §5.2): validate the chain; trust is a separate, local decision.
  let arcResult: MailauthArcResult | undefined;
  let arc: AuthVerdict['arc'] = 'none';
  let arcSealer: string | null = null;
  if (dkimResult?.arc) {
    try {
      arcResult = await arcCheck(dkimResult.arc, { resolver, minBitLength });
      arc =
        arcResult.status.result === 'pass' ? 'pass' : arcResult.status.result === 'none' ? 'none' : 'fail';
      if (arc === 'pass')
        arcSealer = dkimResult.arc.lastEntry?.['arc-seal']?.parsed?.d?.value?.toLowerCase() ?? null;
    } catch (err) {
      arc = 'fail';
      notes.push(`arc: ${errorText(err)}`);
    }
  }
  const arcTrusted =
    arc === 'pass' && arcSealer !== null && isTrustedSealer(arcSealer, options.trustedArcSealers ?? []);

  // DMARC on the RFC5322.From domain (RFC 7489 §3.1); exactly one author mailbox is required (§6.6.1).
  const from = fromMailboxes(raw);
  const headerFrom = from.addresses[0] ?? '';
  let dmarc: DmarcResult = 'none';
  let dmarcPolicy: AuthVerdict['dmarcPolicy'] = null;
  if (from.fields > 1 || from.addresses.length > 1) {
    dmarc = 'permerror';
    notes.push('dmarc: more than one author mailbox');
  } else if (!headerFrom) {
    dmarc = 'permerror';
    notes.push('dmarc: no usable From mailbox');
  } else {
    try {
      const result = await dmarcCheck({
        headerFrom,
        spfDomains: spf === 'pass' && spfDomain ? [spfDomain] : [],
        dkimDomains: (dkimResult?.results ?? [])
          .filter((r) => r.status.result === 'pass')
          .map((r) => ({
            ...(r.id ? { id: r.id } : {}),
            ...(r.signingDomain ? { domain: r.signingDomain } : {}),
            ...(r.status.aligned !== undefined ? { aligned: r.status.aligned } : {}),
            ...(r.status.underSized !== undefined ? { underSized: r.status.underSized } : {}),
          })),
        ...(arcResult ? { arcResult } : {}),
        resolver,
      });
      if (result) {
        const r = result.status.result;
        dmarc = r === 'pass' || r === 'fail' || r === 'none' || r === 'temperror' ? r : 'permerror';
        const policy = (result.policy ?? '').toLowerCase();
        if (policy === 'none' || policy === 'quarantine' || policy === 'reject') dmarcPolicy = policy;
      } else {
        dmarc = 'permerror';
      }
    } catch (err) {
      dmarc = 'temperror';
      notes.push(`dmarc: ${errorText(err)}`);
    }
  }

  // A domain without DMARC can still be verified by an aligned DKIM or SPF pass (RFC 7489 §3.1 alignment).
  const spfAligned =
    spf === 'pass' &&
    spfDomain !== null &&
    headerFrom !== '' &&
    Boolean(getAlignment(headerFrom.split('@').pop() ?? '', [spfDomain]));
  let summary: AuthVerdict['summary'];
  if (dmarc === 'pass' || (dmarc === 'none' && (dkim.dkimAligned || spfAligned)) || arcTrusted)
    summary = 'pass';
  else if (
    dmarc === 'temperror' ||
    dkim.dkim === 'temperror' ||
    spf === 'temperror' ||
    dns.transientFailures > 0
  )
    summary = 'temperror';
  else if (dmarc === 'fail' || dmarc === 'permerror' || dkim.dkim === 'fail' || spf === 'fail')
    summary = 'fail';
  else summary = 'none';

  return {
    ...dkim,
    spf,
    dmarc,
    dmarcPolicy,
    arc,
    arcSealer,
    arcTrusted,
    headerFrom,
    summary,
    forgedAuthResults,
    client: { ip: ip ?? null, helo: helo ?? null, sender: sender ?? null },
    notes,
  };
}
