// Sender authentication against the shared corpus (BAD-INPUTS ): mailauth's real
// fixtures, the ARC validation suite and the RFC 7208 SPF suite, all through our wrapper with a fake
// resolver. Corpus files are read in place from ../shared (never copied); absent → one line, skip.
import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { verifySender, type AuthOptions } from '../../../server/mail/auth/verify.ts';
import { senderTrust } from '../../../server/domain/sender-trust.ts';
import { corporaDir, corpusAvailable } from '../../support/corpus-mail.ts';

const AUTH_DIR = join(corporaDir(), 'auth', 'mailauth-fixtures');
const available = corpusAvailable(AUTH_DIR, 'auth');

// ---- no live DNS, ever ----
const saved = { resolve: dns.promises.resolve, cbResolve: dns.resolve };
let liveAttempts = 0;
beforeAll(() => {
  const refuse = (): never => {
    liveAttempts++;
    throw new Error('live DNS attempted in a unit test');
  };
  dns.promises.resolve = refuse as typeof dns.promises.resolve;
  dns.resolve = refuse as unknown as typeof dns.resolve;
});
afterAll(() => {
  dns.promises.resolve = saved.resolve;
  dns.resolve = saved.cbResolve;
  expect(liveAttempts).toBe(0);
});

function dnsError(code: string): Error {
  return Object.assign(new Error(`${code} (fake)`), { code });
}

/**
 * Google's published ARC key (`arc-20160816._domainkey.google.com`), which sealed every mailauth
 * fixture. It is public DNS data; serving it here lets the real seals verify offline.
 */
const GOOGLE_ARC_KEY =
  'k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1Lztpxs7yUxQEsbDFhjMc9kZVZu5P/COYEUIX4B39IL4SXAbv4viIlT9E6F6iZmTh1go7+9WQLywwgwjXMJx/Dz0RgMoPeyp5NRy4l320DPYibNqVMWa5iQ2WiImQC0en1O9uhLLvzaSZJ03fvGmCo9jMo0GwKzLNe14xMgn/px2L5N/3IKlKX4bqUAJTUt8L993ZlWzvgMnSFSt8B+euSKSrtAiopdy4r1yO4eN5goBASrGW0eLQc1lYouNvCrcTQpos4/GEAqiGzpqueJLmBfOO4clNvVvpPkvQs2BHw9I9LmIjaMxTNGxkGBRaP3utDiKXXqu1K+LRzl0HCNSdQIDAQAB';

function zoneResolver(txt: Record<string, string>) {
  const queries: string[] = [];
  const resolver = async (name: string, rrtype: string): Promise<unknown> => {
    queries.push(`${rrtype} ${name.toLowerCase()}`);
    const value = rrtype === 'TXT' ? txt[name.toLowerCase()] : undefined;
    if (value === undefined) throw dnsError('ENOTFOUND');
    return [[value]];
  };
  return { resolver, queries };
}

describe.skipIf(!available)('mailauth fixtures', () => {
  const read = (name: string): Buffer => readFileSync(join(AUTH_DIR, name));

  it('A-01 authtest.eml: SPF, DMARC and ARC pass from the recorded data; "verified"', async () => {
    const raw = read('authtest.eml');
    // DNS rebuilt from what the fixture records: Received-SPF says ekiri.ee designates
    // 217.146.67.33. No DMARC record is recorded, so we serve the weakest one (p=none) to let DMARC
    // evaluate alignment. The ekiri.ee DKIM key is recorded nowhere (fixture or mailauth's tests).
    const { resolver, queries } = zoneResolver({
      'ekiri.ee': 'v=spf1 ip4:217.146.67.33 -all',
      '_dmarc.ekiri.ee': 'v=DMARC1; p=none',
      'arc-20160816._domainkey.google.com': GOOGLE_ARC_KEY,
    });
    const options: AuthOptions = {
      resolver,
      authServId: 'mx.google.com',
      trustReceived: true,
      trustedArcSealers: ['google.com'],
    };
    const v = await verifySender(raw, options);
    expect(v.client).toEqual({
      ip: '217.146.67.33',
      helo: 'uvn-67-33.tll01.zonevs.eu',
      sender: 'andris@ekiri.ee',
    });
    expect(v).toMatchObject({
      spf: 'pass',
      dmarc: 'pass',
      dmarcPolicy: 'none',
      arc: 'pass',
      arcSealer: 'google.com',
      summary: 'pass',
      headerFrom: 'andris@ekiri.ee',
    });
    // Google's own Authentication-Results carries the authserv-id we posed as: counted, never read.
    expect(v.forgedAuthResults).toBe(1);
    // KNOWN GAP: without the ekiri.ee key, DKIM cannot reach "pass" offline. What we can check is
    // that the body hash matches, i.e. the verifier got as far as the key lookup.
    expect(v.dkim).toBe('neutral');
    const dkimDetail = await dkimVerify(raw, { resolver });
    expect(dkimDetail.results[0]?.status.comment).toBe('no key');
    expect(queries.every((q) => /(ekiri\.ee|google\.com)$/.test(q))).toBe(true);
    const trust = senderTrust(v, { name: 'andris', address: 'andris@ekiri.ee' }, 'andris <andris@ekiri.ee>', [
      'newsdesk.test',
    ]);
    expect(trust.level).toBe('verified');
  });

  const arcZone = { 'arc-20160816._domainkey.google.com': GOOGLE_ARC_KEY };
  const OWN = ['newsdesk.test'];

  for (const name of ['arc-pass.eml', 'arc-pass2.eml']) {
    it(`A-09 ${name}: trusted sealer → "forwarded; ARC pass"; untrusted → unverified`, async () => {
      const raw = read(name);
      const { resolver } = zoneResolver(arcZone);
      const trusted = await verifySender(raw, {
        resolver,
        authServId: 'mx.newsdesk.test',
        trustedArcSealers: ['google.com'],
      });
      expect(trusted).toMatchObject({
        arc: 'pass',
        arcSealer: 'google.com',
        arcTrusted: true,
        summary: 'pass',
      });
      const from = { name: null, address: trusted.headerFrom };
      const shown = senderTrust(trusted, from, trusted.headerFrom, OWN);
      expect(shown.level).toBe('verified');
      expect(shown.warnings.map((w) => w.message)).toContain(
        'Forwarded by google.com; that forwarder confirms the original sender was verified (ARC pass).',
      );

      const untrusted = await verifySender(raw, {
        resolver,
        authServId: 'mx.newsdesk.test',
        trustedArcSealers: ['example.org'],
      });
      expect(untrusted).toMatchObject({ arc: 'pass', arcSealer: 'google.com', arcTrusted: false });
      expect(untrusted.summary).not.toBe('pass');
      expect(senderTrust(untrusted, from, untrusted.headerFrom, OWN).level).toBe('unverified');
    });
  }

  for (const name of ['arc-fail.eml', 'arc-fail2.eml', 'arc-fail3.eml']) {
    it(`A-09 ${name}: a broken chain is never "forwarded", even from a trusted sealer`, async () => {
      const { resolver } = zoneResolver(arcZone);
      const v = await verifySender(read(name), {
        resolver,
        authServId: 'mx.newsdesk.test',
        trustedArcSealers: ['google.com'],
      });
      expect(v).toMatchObject({ arc: 'fail', arcTrusted: false });
      expect(v.summary).not.toBe('pass');
      expect(senderTrust(v, { name: null, address: v.headerFrom }, v.headerFrom, OWN).level).not.toBe(
        'verified',
      );
    });
  }
});

// ---- ARC validation suite (ValiMail), A-14 ----

interface ArcSuiteFile {
  description: string;
  tests: Record<string, { message: string; cv: string; description?: string }>;
  'txt-records'?: Record<string, string>;
}

/**
 * Scenarios where mailauth 4.9.5 is more lenient than the suite (measured; upstream's skip list in
 * test/arc/arc-suite-validation-test.js also names ams_fields_h_empty_added, which passes here).
 * All are ARC-Seal tag-syntax strictness (RFC 8617 §4.1.3 via RFC 6376 §3.2) where we say "pass".
 */
const ARC_KNOWN: Record<string, string> = {
  as_format_tags_sc: 'mailauth accepts an extra semicolon in ARC-Seal',
  as_format_tags_key_case: 'mailauth accepts upper-case ARC-Seal tag names (S= for s=)',
  as_format_tags_dup: 'mailauth accepts duplicate tags (s=dummy; s=dummy)',
  as_format_inv_tag_key: 'mailauth ignores unknown ARC-Seal tags',
};

const arcSuitePath = join(AUTH_DIR, 'arc', 'arc-draft-validation-tests.json');
describe.skipIf(!available || !corpusAvailable(arcSuitePath, 'auth/arc suite'))(
  'ARC validation suite through verifySender',
  () => {
    it('every scenario gives the expected cv, apart from the listed leniencies', async () => {
      const files = JSON.parse(readFileSync(arcSuitePath, 'utf8')) as ArcSuiteFile[];
      let total = 0;
      const failures: string[] = [];
      for (const file of files) {
        const txt = Object.fromEntries(
          Object.entries(file['txt-records'] ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        );
        for (const [name, test] of Object.entries(file.tests)) {
          total++;
          const { resolver } = zoneResolver(txt);
          const v = await verifySender(Buffer.from(test.message ?? ''), {
            resolver,
            authServId: 'mx.newsdesk.test',
          });
          // An empty cv in the suite means "the chain is broken" (fail).
          const expected = (test.cv || 'fail').toLowerCase();
          if (v.arc !== expected) failures.push(`${name}: expected ${expected}, got ${v.arc}`);
        }
      }
      const unexpected = failures.filter((f) => !(f.split(':')[0]! in ARC_KNOWN));
      if (failures.length) console.log(failures.map((f) => `  ${f}`).join('\n'));
      console.log(
        `[corpus] ARC suite: ${total - failures.length}/${total} pass; known leniencies: ${failures.length - unexpected.length}`,
      );
      expect(total).toBeGreaterThan(150);
      expect(unexpected).toEqual([]);
      // Every listed leniency still occurs: the list is exact, not a blanket.
      expect(failures.map((f) => f.split(':')[0]).sort()).toEqual(Object.keys(ARC_KNOWN).sort());
    });
  },
);

// ---- RFC 7208 SPF suite (openspf 2014.04), A-14 ----

/** One value of the YAML subset the suite uses: quoted/plain scalars and one-line flow sequences. */
function yamlScalar(text: string): string | number {
  const s = text.trim();
  if (s.startsWith("'")) return s.slice(1, s.lastIndexOf("'")).replace(/''/g, "'");
  if (s.startsWith('"')) {
    const body = s.slice(1, s.lastIndexOf('"'));
    return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
      if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
      return (
        (
          { '0': '\0', n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', ' ': ' ' } as Record<
            string,
            string
          >
        )[e] ?? e
      );
    });
  }
  const plain = s.replace(/\s+#.*$/, '');
  return /^-?\d+$/.test(plain) ? Number(plain) : plain;
}

function yamlValue(text: string): string | number | (string | number)[] {
  const s = text.trim();
  if (!s.startsWith('[')) return yamlScalar(s);
  const inner = s.slice(1, s.lastIndexOf(']'));
  const items: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const ch of inner) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      cur += ch;
    } else if (ch === ',') {
      items.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) items.push(cur);
  return items.map(yamlScalar);
}

type ZoneEntry = string | Record<string, string | number | (string | number)[]>;
interface SpfScenario {
  description: string;
  tests: Record<string, { helo?: string; host?: string; mailfrom?: string; result?: string | string[] }>;
  zonedata: Record<string, ZoneEntry[]>;
}

/** Reads the suite's documents: `tests` (name → fields) and `zonedata` (domain → record list). */
function parseSpfSuite(text: string): SpfScenario[] {
  const docs = text.split(/^-{3,}\s*$/m).filter((d) => /^[^#\s]/m.test(d));
  return docs.map((doc) => {
    const scenario: SpfScenario = { description: '', tests: {}, zonedata: {} };
    let section = '';
    let current: string | null = null;
    for (const line of doc.split('\n')) {
      if (/^\s*(#.*)?$/.test(line)) continue;
      const indent = line.length - line.trimStart().length;
      const body = line.trim();
      // A plain key may itself contain ':' (e.g. "foo:bar/baz.example.com"); only ': ' or a final ':' ends it.
      const kv = /^('[^']*'|"[^"]*"|.+?):(?:\s+(.*))?$/.exec(body);
      if (indent === 0 && kv) {
        section = kv[1]!;
        if (section === 'description') scenario.description = String(yamlScalar(kv[2] ?? ''));
        continue;
      }
      if (section === 'tests') {
        if (indent === 4 && kv) scenario.tests[(current = String(yamlScalar(kv[1]!)))] = {};
        else if (indent === 8 && kv && current) {
          const key = kv[1]!;
          if (key === 'helo' || key === 'host' || key === 'mailfrom')
            scenario.tests[current]![key] = String(yamlScalar(kv[2] ?? ''));
          if (key === 'result') {
            const r = yamlValue(kv[2] ?? '');
            scenario.tests[current]!.result = Array.isArray(r) ? r.map(String) : String(r);
          }
        }
      } else if (section === 'zonedata') {
        if (indent === 4 && kv) scenario.zonedata[(current = String(yamlScalar(kv[1]!)).toLowerCase())] = [];
        else if (indent === 8 && body.startsWith('- ') && current) {
          const item = body.slice(2);
          const entry = /^([A-Z]+):\s+(.*)$/.exec(item);
          scenario.zonedata[current]!.push(
            entry ? { [entry[1]!]: yamlValue(entry[2]!) } : String(yamlScalar(item)),
          );
        }
      }
    }
    return scenario;
  });
}

/** Serves a scenario's zone like the suite's reference drivers: SPF-type data doubles as TXT (RFC 7208 §14.1 history). */
function suiteResolver(zone: Record<string, ZoneEntry[]>): AuthOptions['resolver'] {
  const fmt = (s: string): string =>
    s
      .replace(/\\0/g, '\0')
      .replace(/\\x([0-9A-F]{2})/g, (_m, c: string) => String.fromCharCode(parseInt(c, 16)));
  const resolve = async (name: string, rrtype: string): Promise<unknown> => {
    const entries = zone[name.toLowerCase()];
    if (entries) {
      const list = entries.filter(
        (e): e is Exclude<ZoneEntry, string> => typeof e === 'object' && rrtype in e,
      );
      if (rrtype === 'TXT' && list.length === 0) return resolve(name, 'SPF');
      if (list.length > 0) {
        const out: unknown[] = [];
        for (const e of list) {
          const val = e[rrtype]!;
          if (val === 'TIMEOUT' || val === 'NONE') {
            if (val === 'NONE' && entries[entries.length - 1] === 'TIMEOUT') throw dnsError('ETIMEOUT');
            throw dnsError(val === 'NONE' ? 'ENOTFOUND' : 'ETIMEOUT');
          }
          if (rrtype === 'TXT' || rrtype === 'SPF')
            out.push([fmt(([] as (string | number)[]).concat(val).join(''))]);
          else if (rrtype === 'MX' && Array.isArray(val))
            out.push({ priority: Number(val[0]), exchange: fmt(String(val[1])) });
          else out.push(fmt(String(val)));
        }
        return out;
      }
      const marker = entries.find((e): e is string => typeof e === 'string');
      if (marker) throw dnsError(marker === 'TIMEOUT' ? 'ETIMEOUT' : marker);
    }
    throw dnsError('ENOTFOUND');
  };
  return resolve;
}

/**
 * The cases where mailauth 4.9.5 differs from the suite, by exact name (measured; upstream skips a
 * broader set). None changes a pass into a fail or vice versa for a well-formed record.
 */
const SPF_KNOWN: Record<string, string> = {
  'bare-ip6': 'an ip6 mechanism without an address is not parsed for an IPv4 client (fail, not permerror)',
  'exp-syntax-error': 'exp= is never evaluated, so its syntax errors go unnoticed (RFC 7208 §6.2)',
  'exp-twice': 'a duplicate exp= modifier is not detected (RFC 7208 §6)',
  'exp-only-macro-char': 'exp= is never evaluated, so an invalid macro in it goes unnoticed',
  'p-macro-multiple': 'the %{p} (validated PTR) macro is approximated',
  'invalid-hello-macro': 'HELO-identity edge case: permerror where the suite expects fail',
  'hello-domain-literal': 'HELO domain literal: permerror where the suite expects fail',
  'require-valid-helo': 'HELO-identity edge case: permerror where the suite expects fail',
};

const spfSuitePath = join(AUTH_DIR, 'spf', 'rfc7208-tests.yml');
describe.skipIf(!available || !corpusAvailable(spfSuitePath, 'auth/spf suite'))(
  'RFC 7208 SPF suite through verifySender',
  () => {
    it('every case gives the expected result, apart from the listed deviations', async () => {
      const scenarios = parseSpfSuite(readFileSync(spfSuitePath, 'utf8'));
      let total = 0;
      const failures: string[] = [];
      for (const scenario of scenarios) {
        const resolver = suiteResolver(scenario.zonedata);
        for (const [name, test] of Object.entries(scenario.tests)) {
          total++;
          // The suite has no message: a minimal one whose From domain is not in any zone.
          const raw = Buffer.from('From: suite@spf-suite.invalid\r\nSubject: spf\r\n\r\nx\r\n');
          const v = await verifySender(raw, {
            resolver,
            authServId: 'mx.newsdesk.test',
            ip: test.host ?? '',
            ...(test.helo ? { helo: test.helo } : {}),
            ...(test.mailfrom ? { sender: test.mailfrom } : {}),
          });
          const allowed = ([] as string[]).concat(test.result ?? []);
          if (!allowed.includes(v.spf)) failures.push(`${name}: expected ${allowed.join('|')}, got ${v.spf}`);
        }
      }
      const isKnown = (f: string): boolean => f.split(':')[0]! in SPF_KNOWN;
      const unexpected = failures.filter((f) => !isKnown(f));
      console.log(
        `[corpus] RFC 7208 SPF suite: ${total - failures.length}/${total} pass; known deviations: ${failures.length - unexpected.length}`,
      );
      if (failures.length)
        console.log(failures.map((f) => `  ${isKnown(f) ? 'known' : 'UNEXPECTED'} ${f}`).join('\n'));
      expect(total).toBe(200);
      expect(unexpected).toEqual([]);
      expect(failures.map((f) => f.split(':')[0]).sort()).toEqual(Object.keys(SPF_KNOWN).sort());
    });
  },
);
