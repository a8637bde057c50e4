// A DNS failure at ingest leaves the sender "temperror"; the re-check job verifies the stored raw
// bytes again later and tells staff (message.updated) when the verdict changes. DNS is a fake zone.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../../db/client.ts';
import { messages } from '../../../db/schema.ts';
import { EventBus } from '../../../server/events.ts';
import { SenderRecheck } from '../../../server/mail/auth/recheck.ts';
import { verifySender } from '../../../server/mail/auth/verify.ts';
import { createPipeline } from '../../../server/mail/pipeline.ts';
import type { SequencedEvent } from '../../../server/schemas/realtime.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dkimTxt = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

async function signedEnquiry(): Promise<Buffer> {
  const raw = Buffer.from(
    [
      'From: Lina Haddad <lina@paper.example>',
      'To: newsdesk@newsdesk.test',
      'Subject: Question on the harbour statement',
      'Date: Tue, 03 Mar 2026 10:00:00 +0000',
      'Message-ID: <q1@paper.example>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Could you confirm the figures?',
      '',
    ].join('\r\n'),
  );
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const signed = await dkimSign(raw, {
    canonicalization: 'relaxed/relaxed',
    signatureData: [{ signingDomain: 'paper.example', selector: 's1', privateKey: pem }],
  });
  return Buffer.concat([Buffer.from(signed.signatures), raw]);
}

describe('sender re-check after a DNS failure', () => {
  let dir: string;
  let db: Db;
  let dnsUp: boolean;
  let clock: Date;
  const published: SequencedEvent[] = [];
  const bus = new EventBus();
  bus.subscribe((e) => published.push(e));

  const resolver = async (name: string, rrtype: string): Promise<unknown> => {
    if (!dnsUp) throw Object.assign(new Error('SERVFAIL (fake)'), { code: 'ESERVFAIL' });
    if (rrtype === 'TXT' && name.toLowerCase() === 's1._domainkey.paper.example') return [[dkimTxt]];
    throw Object.assign(new Error('ENOTFOUND (fake)'), { code: 'ENOTFOUND' });
  };
  const verify = (raw: Buffer, receivedAt?: Date) =>
    verifySender(raw, {
      resolver,
      authServId: 'mx.newsdesk.test',
      timeoutMs: 500,
      ...(receivedAt ? { now: receivedAt } : {}),
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'newsdesk-recheck-'));
    db = openMigratedDb(join(dir, 'db.sqlite'));
    dnsUp = false;
    clock = new Date('2026-03-03T10:01:00Z');
    published.length = 0;
  });
  afterEach(() => {
    closeDb(db);
    rmSync(dir, { recursive: true, force: true });
  });

  const job = () =>
    new SenderRecheck({
      db,
      bus,
      now: () => clock,
      ownAddress: 'newsdesk@newsdesk.test',
      verify,
      firstDelayMs: 60_000,
    });

  async function ingestDuringOutage(): Promise<void> {
    const pipeline = createPipeline({
      db,
      bus,
      now: () => clock,
      ownAddress: 'newsdesk@newsdesk.test',
      verify: (raw) => verify(raw),
    });
    await pipeline.ingestRaw(await signedEnquiry(), { kind: 'import' });
    expect(db.select().from(messages).get()!.auth).toBe('temperror');
    published.length = 0;
  }

  it('waits its turn, then stores the verdict DNS gives and tells staff', async () => {
    await ingestDuringOutage();
    dnsUp = true;
    expect(await job().runOnce()).toBe(0); // not due yet: the first re-check waits a minute

    clock = new Date(clock.getTime() + 61_000);
    expect(await job().runOnce()).toBe(1);
    const row = db.select().from(messages).get()!;
    expect(row.auth).toBe('pass');
    expect(row.authDetail).toMatchObject({ dkim: 'pass', rechecks: 1 });
    expect(published.map((e) => e.type)).toEqual(['message.updated']);
    expect(published[0]).toMatchObject({ type: 'message.updated', message: { id: row.id, auth: 'pass' } });

    clock = new Date(clock.getTime() + 3_600_000);
    expect(await job().runOnce()).toBe(0); // settled: no longer a candidate
  });

  it('backs off while DNS stays down, says nothing new, and gives up after the last attempt', async () => {
    await ingestDuringOutage();
    const recheck = new SenderRecheck({
      db,
      bus,
      now: () => clock,
      ownAddress: 'newsdesk@newsdesk.test',
      verify,
      firstDelayMs: 60_000,
      maxRechecks: 3,
    });
    const checkedAt: number[] = [];
    for (let minute = 1; minute <= 20; minute++) {
      clock = new Date(Date.parse('2026-03-03T10:01:00Z') + minute * 60_000);
      if ((await recheck.runOnce()) > 0) checkedAt.push(minute);
    }
    // Gaps double: 1, then 2, then 4 minutes after the previous attempt; then it stops.
    expect(checkedAt).toEqual([1, 3, 7]);
    expect(db.select().from(messages).get()!.auth).toBe('temperror');
    expect(published).toEqual([]);
  });
});
