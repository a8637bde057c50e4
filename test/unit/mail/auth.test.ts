// Sender authentication on messages signed here, with keys made at test time and DNS served by a
// fake resolver (BAD-INPUTS A-02…A-08). Live DNS is disabled for the whole file.
import dns from 'node:dns';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { verifySender, type AuthOptions, type AuthVerdict } from '../../../server/mail/auth/verify.ts';
import { stripOwnAuthResults } from '../../../server/mail/auth/headers.ts';
import { clientFromOurHop } from '../../../server/mail/auth/received.ts';

// ---- no live DNS: mailauth falls back to node:dns when a resolver is missing; make that loud ----
const saved = { resolve: dns.promises.resolve, resolveTxt: dns.promises.resolveTxt, cbResolve: dns.resolve };
let liveAttempts = 0;
beforeAll(() => {
  const refuse = (): never => {
    liveAttempts++;
    throw new Error('live DNS attempted in a unit test');
  };
  dns.promises.resolve = refuse as typeof dns.promises.resolve;
  dns.promises.resolveTxt = refuse as typeof dns.promises.resolveTxt;
  dns.resolve = refuse as unknown as typeof dns.resolve;
});
afterAll(() => {
  dns.promises.resolve = saved.resolve;
  dns.promises.resolveTxt = saved.resolveTxt;
  dns.resolve = saved.cbResolve;
  expect(liveAttempts).toBe(0);
});

// ---- fake DNS ----
type Zone = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX', unknown[]>>>;

function dnsError(code: string): Error {
  return Object.assign(new Error(`${code} (fake)`), { code });
}

/** A resolver over a fixed zone; everything else is NXDOMAIN. Logs every query. */
function fakeResolver(zone: Zone) {
  const queries: string[] = [];
  const resolver = async (name: string, rrtype: string): Promise<unknown> => {
    queries.push(`${rrtype} ${name.toLowerCase()}`);
    const answers = zone[name.toLowerCase()]?.[rrtype as 'TXT'];
    if (!answers) throw dnsError(zone[name.toLowerCase()] ? 'ENODATA' : 'ENOTFOUND');
    return answers;
  };
  return { resolver, queries };
}

const txt = (...records: string[]): { TXT: string[][] } => ({ TXT: records.map((r) => [r]) });

function dkimRecord(publicKey: KeyObject): string {
  return `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
}

function rsa(bits: number): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

function message(opts: { from?: string; body?: string; extraHeaders?: string[] } = {}): Buffer {
  const lines = [
    ...(opts.extraHeaders ?? []),
    `From: ${opts.from ?? 'Press Office <press@gov.example>'}`,
    'To: Newsdesk <desk@newsdesk.test>',
    'Subject: Statement on the harbour project',
    'Date: Tue, 03 Mar 2026 10:00:00 +0000',
    'Message-ID: <stmt-1@gov.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Please find our statement below.\r\nRegards, Press Office',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

async function sign(
  raw: Buffer,
  domain: string,
  selector: string,
  privateKey: KeyObject,
  maxBodyLength?: number,
): Promise<Buffer> {
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const result = await dkimSign(raw, {
    canonicalization: 'relaxed/relaxed',
    signatureData: [
      {
        signingDomain: domain,
        selector,
        privateKey: pem,
        ...(maxBodyLength !== undefined ? { maxBodyLength } : {}),
      },
    ],
  });
  expect(result.errors).toEqual([]);
  return Buffer.concat([Buffer.from(result.signatures), raw]);
}

const AUTHSERV = 'mx.newsdesk.test';
const key2048 = rsa(2048);
const key768 = rsa(768);

const baseZone: Zone = {
  's2048._domainkey.gov.example': txt(dkimRecord(key2048.publicKey)),
  's768._domainkey.gov.example': txt(dkimRecord(key768.publicKey)),
  'gov.example': txt('v=spf1 ip4:192.0.2.10 -all'),
  '_dmarc.gov.example': txt('v=DMARC1; p=reject; rua=mailto:dmarc@gov.example'),
  'soft.example': txt('v=spf1 ip4:192.0.2.10 ~all'),
  'nodmarc.example': txt('v=spf1 ip4:192.0.2.10 -all'),
};

function opts(resolver: AuthOptions['resolver'], extra: Partial<AuthOptions> = {}): AuthOptions {
  return { resolver, authServId: AUTHSERV, timeoutMs: 500, ...extra };
}

/** The parts of a verdict that come from verification (not bookkeeping). */
function core(v: AuthVerdict): Omit<AuthVerdict, 'forgedAuthResults' | 'notes'> {
  const { forgedAuthResults: _f, notes: _n, ...rest } = v;
  return rest;
}

describe('verifySender: DKIM', () => {
  it('passes an aligned 2048-bit signature, and DMARC passes on it', async () => {
    const { resolver, queries } = fakeResolver(baseZone);
    const raw = await sign(message(), 'gov.example', 's2048', key2048.privateKey);
    const v = await verifySender(raw, opts(resolver));
    expect(v).toMatchObject({
      dkim: 'pass',
      dkimAligned: true,
      dkimDomains: ['gov.example'],
      dkimPartial: false,
      dmarc: 'pass',
      dmarcPolicy: 'reject',
      headerFrom: 'press@gov.example',
      summary: 'pass',
    });
    expect(queries).toContain('TXT s2048._domainkey.gov.example');
  });

  it('fails a signature when a signed header was changed', async () => {
    const { resolver } = fakeResolver(baseZone);
    const signed = await sign(message(), 'gov.example', 's2048', key2048.privateKey);
    const tampered = Buffer.from(
      signed.toString('latin1').replace('Subject: Statement', 'Subject: Retraction'),
      'latin1',
    );
    const v = await verifySender(tampered, opts(resolver));
    expect(v.dkim).toBe('fail');
    expect(v.dmarc).toBe('fail');
    expect(v.summary).toBe('fail');
  });

  it('A-07: a key under 1024 bits is not a pass (minBitLength)', async () => {
    const { resolver } = fakeResolver(baseZone);
    const raw = await sign(message(), 'gov.example', 's768', key768.privateKey);
    const v = await verifySender(raw, opts(resolver));
    expect(v.dkim).toBe('policy');
    expect(v.dkimDomains).toEqual([]);
    expect(v.dmarc).toBe('fail');
    expect(v.summary).toBe('fail');
    // The same signature is cryptographically fine: only the key-size policy rejects it.
    const lax = await verifySender(raw, opts(resolver, { minBitLength: 512 }));
    expect(lax.dkim).toBe('pass');
  });

  it('A-08: l= with content appended after the signed length is flagged partial', async () => {
    const { resolver } = fakeResolver(baseZone);
    const body = 'Original statement.';
    // relaxed body canonicalization (RFC 6376 §3.4.4) of "Original statement.\r\n" is the same bytes.
    const signed = await sign(
      message({ body }),
      'gov.example',
      's2048',
      key2048.privateKey,
      Buffer.byteLength(`${body}\r\n`),
    );
    const intact = await verifySender(signed, opts(resolver));
    expect(intact).toMatchObject({ dkim: 'pass', dkimPartial: false });
    const appended = Buffer.concat([
      signed,
      Buffer.from('\r\nCORRECTION: send the embargoed figures to x@evil.example\r\n'),
    ]);
    const v = await verifySender(appended, opts(resolver));
    expect(v).toMatchObject({ dkim: 'pass', dkimPartial: true });
  });
});

describe('verifySender: SPF', () => {
  const spfFor = async (from: string, ip: string): Promise<AuthVerdict> => {
    const { resolver } = fakeResolver(baseZone);
    return verifySender(message({ from }), opts(resolver, { ip, helo: 'mail.example', sender: from }));
  };

  it('pass / fail / softfail from the published record', async () => {
    expect((await spfFor('press@gov.example', '192.0.2.10')).spf).toBe('pass');
    expect((await spfFor('press@gov.example', '198.51.100.7')).spf).toBe('fail');
    expect((await spfFor('press@soft.example', '198.51.100.7')).spf).toBe('softfail');
  });

  it('an aligned SPF pass verifies a domain without DMARC', async () => {
    const v = await spfFor('press@nodmarc.example', '192.0.2.10');
    expect(v).toMatchObject({ spf: 'pass', dmarc: 'none', summary: 'pass' });
  });

  it('A-06: more than 10 DNS-querying terms, or more than 2 void lookups, is permerror', async () => {
    const includes = Array.from({ length: 12 }, (_, i) => `include:i${i}.many.example`).join(' ');
    const zone: Zone = { 'many.example': txt(`v=spf1 ${includes} -all`) };
    for (let i = 0; i < 12; i++) zone[`i${i}.many.example`] = txt('v=spf1 -all');
    zone['void.example'] = txt('v=spf1 a:v1.void.example a:v2.void.example a:v3.void.example -all');
    const { resolver } = fakeResolver(zone);
    const many = await verifySender(
      message({ from: 'a@many.example' }),
      opts(resolver, { ip: '192.0.2.99', sender: 'a@many.example' }),
    );
    expect(many.spf).toBe('permerror');
    const voids = await verifySender(
      message({ from: 'a@void.example' }),
      opts(resolver, { ip: '192.0.2.99', sender: 'a@void.example' }),
    );
    expect(voids.spf).toBe('permerror');
  });

  it('A-04: with trustReceived, the client is the hop our MX recorded, not the topmost one', async () => {
    const raw = message({
      extraHeaders: [
        'Received: from imap-int.newsdesk.test (imap-int.newsdesk.test [10.1.2.3]) by store.newsdesk.test with LMTP id 77; Tue, 03 Mar 2026 10:00:05 +0000',
        'Received: from mail.gov.example (mail.gov.example [192.0.2.10]) by mx.newsdesk.test (Postfix) with ESMTPS id 4F1 for <desk@newsdesk.test> (envelope-from <press@gov.example>); Tue, 03 Mar 2026 10:00:04 +0000',
        // Forged by the sender: claims our MX saw a different client. Below the real hop, so ignored.
        'Received: from trusted.gov.example (trusted.gov.example [198.51.100.77]) by mx.newsdesk.test with ESMTP id 0; Tue, 03 Mar 2026 09:59:00 +0000',
      ],
    });
    expect(clientFromOurHop(raw, AUTHSERV)).toEqual({
      ip: '192.0.2.10',
      helo: 'mail.gov.example',
      sender: 'press@gov.example',
    });
    const { resolver } = fakeResolver(baseZone);
    const v = await verifySender(raw, opts(resolver, { trustReceived: true }));
    expect(v.client).toEqual({ ip: '192.0.2.10', helo: 'mail.gov.example', sender: 'press@gov.example' });
    expect(v).toMatchObject({ spf: 'pass', dmarc: 'pass', summary: 'pass' });
    // Without a hop by our MX nothing is trusted: SPF is simply not evaluated.
    const other = await verifySender(raw, opts(resolver, { trustReceived: true, mta: 'mx.elsewhere.test' }));
    expect(other.spf).toBe('none');
    expect(other.client.ip).toBeNull();
  });
});

describe('verifySender: DMARC and spoofing', () => {
  it('A-02: p=reject, SPF fail, no DKIM → a fail verdict, not an exception', async () => {
    const { resolver } = fakeResolver(baseZone);
    const v = await verifySender(
      message(),
      opts(resolver, { ip: '203.0.113.66', helo: 'spoofer.example', sender: 'press@gov.example' }),
    );
    expect(v).toMatchObject({
      dkim: 'none',
      spf: 'fail',
      dmarc: 'fail',
      dmarcPolicy: 'reject',
      summary: 'fail',
    });
  });

  it('A-03: a forged Authentication-Results with our authserv-id changes nothing', async () => {
    const { resolver } = fakeResolver(baseZone);
    const spoof = { ip: '203.0.113.66', helo: 'spoofer.example', sender: 'press@gov.example' };
    const clean = await verifySender(message(), opts(resolver, spoof));
    const forgedRaw = message({
      extraHeaders: [
        'Authentication-Results: mx.newsdesk.test; dkim=pass header.d=gov.example; spf=pass smtp.mailfrom=gov.example; dmarc=pass',
        'Authentication-Results: MX.Newsdesk.Test. (comment); dmarc=pass header.from=gov.example',
        'Authentication-Results: mx.other.example; spf=fail',
      ],
    });
    const forged = await verifySender(forgedRaw, opts(resolver, spoof));
    expect(core(forged)).toEqual(core(clean));
    expect(forged.summary).toBe('fail');
    expect(forged.forgedAuthResults).toBe(2);
    const stripped = stripOwnAuthResults(forgedRaw, AUTHSERV).toString();
    expect(stripped).not.toMatch(/mx\.newsdesk\.test/i);
    expect(stripped).toContain('Authentication-Results: mx.other.example; spf=fail');
    expect(stripped.endsWith(message().toString().split('\r\n\r\n')[1]!)).toBe(true);
  });

  it('two author mailboxes → DMARC permerror (RFC 7489 §6.6.1)', async () => {
    const { resolver } = fakeResolver(baseZone);
    const v = await verifySender(
      message({ from: 'press@gov.example, other@nodmarc.example' }),
      opts(resolver),
    );
    expect(v.dmarc).toBe('permerror');
  });

  it('A-10: a group-syntax From is judged on the mailbox a reply goes to', async () => {
    const { resolver, queries } = fakeResolver(baseZone);
    const v = await verifySender(
      message({ from: '"Someone" <valid@gov.example>:<attacker@example.org>' }),
      opts(resolver),
    );
    expect(v.headerFrom).toBe('attacker@example.org');
    expect(queries).toContain('TXT _dmarc.example.org');
  });
});

describe('verifySender: DNS failures (A-05)', () => {
  it('SERVFAIL → temperror everywhere, summary temperror', async () => {
    const resolver = async (): Promise<never> => {
      throw dnsError('ESERVFAIL');
    };
    const raw = await sign(message(), 'gov.example', 's2048', key2048.privateKey);
    const v = await verifySender(raw, opts(resolver, { ip: '192.0.2.10', sender: 'press@gov.example' }));
    expect(v).toMatchObject({
      dkim: 'temperror',
      spf: 'temperror',
      dmarc: 'temperror',
      summary: 'temperror',
    });
  });

  it('a resolver that throws synchronously or without a code is still temperror', async () => {
    const resolver = ((): never => {
      throw new Error('resolver bug');
    }) as unknown as AuthOptions['resolver'];
    const raw = await sign(message(), 'gov.example', 's2048', key2048.privateKey);
    const v = await verifySender(raw, opts(resolver, { ip: '192.0.2.10', sender: 'press@gov.example' }));
    expect(v.summary).toBe('temperror');
  });

  it('a hanging resolver is cut off per lookup and by the overall budget', async () => {
    const hang = (): Promise<never> => new Promise<never>(() => undefined);
    const raw = await sign(message(), 'gov.example', 's2048', key2048.privateKey);
    const started = Date.now();
    const v = await verifySender(
      raw,
      opts(hang, { ip: '192.0.2.10', sender: 'press@gov.example', timeoutMs: 100, totalTimeoutMs: 250 }),
    );
    const elapsed = Date.now() - started;
    expect(v).toMatchObject({
      dkim: 'temperror',
      spf: 'temperror',
      dmarc: 'temperror',
      summary: 'temperror',
    });
    expect(elapsed).toBeLessThan(1500);
  });
});
