import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRawHeaders } from '../../server/mail/parse.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

let n = 0;

function mail(opts: {
  from: string;
  subject: string;
  body?: string;
  headers?: string[];
  date?: Date;
}): string {
  return [
    ...(opts.headers ?? []),
    `From: ${opts.from}`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${opts.subject}`,
    `Message-ID: <ack-test-${++n}@paper.test>`,
    `Date: ${(opts.date ?? new Date()).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Could you comment on the announcement today?',
    '',
  ].join('\r\n');
}

type AckRow = {
  id: number;
  threadId: number;
  envelopeFrom: string;
  recipients: string;
  raw: Buffer;
  kind: string;
};

describe('automatic acknowledgements (L-08, L-10, L-15)', () => {
  let t: TestApp;

  const acks = (): AckRow[] =>
    t.db.$client
      .prepare(
        `select o.id, o.thread_id threadId, o.envelope_from envelopeFrom, o.recipients, o.kind, b.data raw
         from outbox o join blobs b on b.sha256 = o.raw_sha256 where o.kind = 'acknowledgement' order by o.id`,
      )
      .all() as AckRow[];

  /** Ingests, then waits until the acknowledgement step for the new thread has run. */
  async function ingest(raw: string): Promise<number> {
    const before = (t.db.$client.prepare('select coalesce(max(id), 0) m from threads').get() as { m: number })
      .m;
    await t.ingestRaw(raw);
    const threadId = (t.db.$client.prepare('select max(id) m from threads').get() as { m: number }).m;
    expect(threadId).toBeGreaterThan(before);
    // The acknowledgement runs from the thread.created event, after the ingest commit.
    await t.app.mailer.acknowledgementsSettled();
    return threadId;
  }

  beforeAll(async () => {
    t = await startTestApp({
      listen: false,
      env: {
        NEWSDESK_SMTP_URL: 'smtp://127.0.0.1:9',
        NEWSDESK_OFFICE_NAME: 'FCDO Newsdesk',
        NEWSDESK_VERIFY_SENDERS: 'false',
      },
    });
  });
  afterAll(async () => t.close());

  const enable = (texts?: Record<string, string>) =>
    t.db.$client
      .prepare(
        "insert into settings (key, value, updated_at) values ('acknowledgement', ?, 0) on conflict(key) do update set value = excluded.value",
      )
      .run(JSON.stringify({ enabled: true, ...(texts ? { texts } : {}) }));

  it('sends nothing while the setting is off', async () => {
    await ingest(mail({ from: 'Off <off@paper.test>', subject: 'Before the setting' }));
    expect(acks()).toHaveLength(0);
  });

  it('acknowledges a person’s new enquiry: automatic headers, null sender, reference, thread untouched', async () => {
    enable();
    const threadId = await ingest(mail({ from: 'Sam <sam@paper.test>', subject: 'Comment on the grant' }));
    expect(acks()).toHaveLength(1);
    const [ack] = acks();
    expect(ack!.threadId).toBe(threadId);
    expect(ack!.envelopeFrom).toBe('');
    expect(JSON.parse(ack!.recipients)).toEqual(['sam@paper.test']);
    const headers = readRawHeaders(ack!.raw);
    expect(headers.get('auto-submitted')).toEqual(['auto-replied']);
    expect(headers.get('x-auto-response-suppress')).toEqual(['All']);
    expect(headers.get('in-reply-to')?.[0]).toMatch(/^<ack-test-\d+@paper\.test>$/);
    const reference = `ND-${String(threadId).padStart(6, '0')}`;
    expect(headers.get('subject')).toEqual([`Re: Comment on the grant [${reference}]`]);
    expect(ack!.raw.toString('latin1')).toContain('FCDO Newsdesk');
    const thread = t.db.$client.prepare('select status from threads where id = ?').get(threadId) as {
      status: string;
    };
    expect(thread.status).toBe('new');
    const out = t.db.$client
      .prepare("select kind from messages where thread_id = ? and direction = 'out'")
      .get(threadId) as { kind: string };
    expect(out.kind).toBe('auto-reply');
  });

  it.each([
    ['an auto-reply', ['Auto-Submitted: auto-replied']],
    ['list traffic', ['List-Id: <press.lists.test>']],
    ['a null sender', ['Return-Path: <>']],
    ['bulk mail', ['Precedence: bulk']],
    ['human mail asking for no automatic answers (L-06)', ['X-Auto-Response-Suppress: OOF']],
  ])('never acknowledges %s', async (_what, headers) => {
    const before = acks().length;
    await ingest(mail({ from: `X <x${n}@other.test>`, subject: `Subject ${n}`, headers }));
    expect(acks()).toHaveLength(before);
  });

  it('never acknowledges a bounce, a role address or old mail from a backfill', async () => {
    const before = acks().length;
    await ingest(
      mail({ from: 'MAILER-DAEMON@mx.paper.test', subject: 'Undelivered Mail Returned to Sender' }),
    );
    await ingest(mail({ from: 'noreply@paper.test', subject: 'Your newsletter' }));
    await ingest(
      mail({
        from: 'Old <old@paper.test>',
        subject: 'Last week',
        date: new Date(Date.now() - 3 * 86_400_000),
      }),
    );
    expect(acks()).toHaveLength(before);
  });

  it('stops after three a day for one sender, even across new threads (ping-pong breaker)', async () => {
    const before = acks().filter((a) => a.recipients.includes('loop@responder.test')).length;
    expect(before).toBe(0);
    for (let i = 0; i < 5; i++)
      await ingest(mail({ from: 'loop@responder.test', subject: `Ticket ${i} opened` }));
    expect(acks().filter((a) => a.recipients.includes('loop@responder.test'))).toHaveLength(3);
  });

  it('answers in the enquiry’s language with the office’s own text', async () => {
    enable({ ar: 'شكراً {name}، رقمك المرجعي {reference}' });
    const threadId = await ingest(
      mail({
        from: 'Layla <layla@alkhabar.test>',
        subject: 'استفسار',
        body: 'هل يمكن ترتيب مقابلة مع المتحدث باسم الوزارة اليوم؟',
      }),
    );
    const ack = acks().find((a) => a.threadId === threadId)!;
    const detail = t.db.$client
      .prepare("select text from messages where thread_id = ? and direction = 'out'")
      .get(threadId) as { text: string };
    expect(detail.text).toContain(`شكراً Layla، رقمك المرجعي ND-${String(threadId).padStart(6, '0')}`);
    expect(ack.kind).toBe('acknowledgement');
  });
});
