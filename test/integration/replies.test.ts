/**
 * Replies on the real mail stack (issue 6; BAD-INPUTS O-01, O-02, O-04, O-07, O-09, O-11, L-09):
 * Newsdesk → SMTP → Postfix → the journalist's Dovecot mailbox, the journalist's answer → Postfix →
 * the newsdesk INBOX → IMAP IDLE → the same thread, and the copy in the newsdesk's Sent folder.
 * SMTP goes through a small TCP relay in this file so a test can make the port refuse connections.
 */
import * as net from 'node:net';
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { ensureFirstAdmin } from '../../server/commands/users.ts';
import { loadConfig } from '../../server/config.ts';
import type { SequencedEvent } from '../../server/schemas/realtime.ts';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { readRawHeaders } from '../../server/mail/parse.ts';
import { TEST_ADMIN, tempDbPath } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';
import { appendMessages, folderSources, sendMail } from '../support/send-mail.ts';

const available = mailStackAvailable();
if (!available.ok) console.warn(available.reason);

const NEWSDESK = 'newsdesk@newsdesk.test';
const JOURNALIST = { name: 'Sam Reporter', address: 'sam@press.test' };
const ATTACKER = 'attacker@press.test';

/** A TCP relay to Postfix that can be taken down (connections refused) and brought back. */
async function smtpRelay(
  target: number,
): Promise<{ port: number; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  let port = 0;
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect({ host: '127.0.0.1', port: target });
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      });
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await up();
  return { port, up, down, close: down };
}

interface Running {
  app: FastifyInstance;
  db: Db;
  events: SequencedEvent[];
  cookie: string;
  close(): Promise<void>;
}

/** The real app on a given db file, with quick retries; events recorded from the bus. */
async function startApp(dbPath: string, env: Record<string, string>): Promise<Running> {
  const config = loadConfig({
    NEWSDESK_DB: dbPath,
    NEWSDESK_PORT: '1',
    NEWSDESK_ADMIN_EMAIL: TEST_ADMIN.email,
    NEWSDESK_ADMIN_PASSWORD: TEST_ADMIN.password,
    NEWSDESK_ADDRESS: NEWSDESK,
    NEWSDESK_VERIFY_SENDERS: 'false',
    NEWSDESK_OFFICE_NAME: 'FCDO Newsdesk',
    NEWSDESK_UNDO_SECONDS: '0',
    NEWSDESK_LOG_LEVEL: process.env.NEWSDESK_TEST_LOG ?? 'silent',
    ...env,
  });
  const db = openMigratedDb(dbPath);
  await ensureFirstAdmin(db, config.admin, new Date());
  const app = await buildApp(config, {
    db,
    logger: { level: config.logLevel },
    imapBackoff: { baseMs: 100, capMs: 1_000, authCapMs: 2_000 },
    mailer: { retry: { baseMs: 300, capMs: 600, maxAttempts: 50 }, sentCopyRetryMs: 200 },
  });
  const events: SequencedEvent[] = [];
  app.bus.subscribe((e) => events.push(e));
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/session', payload: TEST_ADMIN });
  const cookie = `newsdesk_session=${login.cookies.find((c) => c.name === 'newsdesk_session')!.value}`;
  await pollUntil(
    async () =>
      (await app.inject({ url: '/api/health', headers: { cookie } })).json().mailboxes[0]?.state === 'idle',
    { what: 'the mailbox to idle', timeoutMs: 10_000 },
  );
  return {
    app,
    db,
    events,
    cookie,
    async close() {
      await app.close();
      closeDb(db);
    },
  };
}

function header(raw: Buffer, name: string): string[] {
  return readRawHeaders(raw).get(name.toLowerCase()) ?? [];
}

function withMessageId(sources: Buffer[], bareId: string): Buffer[] {
  return sources.filter((raw) => header(raw, 'message-id').some((v) => v.includes(`<${bareId}>`)));
}

type ReplyJson = {
  id: number;
  state: string;
  attempts: number;
  sentCopy: string;
  lastError: string | null;
  threadId: number;
};

describe.skipIf(!available.ok)('replies through Postfix into the journalist mailbox, exactly once', () => {
  let stack: MailStack;
  let relay: Awaited<ReturnType<typeof smtpRelay>>;
  let temp: { path: string; dir: string };
  let nd: Running;
  let counter = 0;

  beforeAll(async () => {
    stack = await startMailStack({
      extraDomains: ['press.test'],
      users: [
        { user: NEWSDESK, password: 'newsdesk-pass' },
        { user: JOURNALIST.address, password: 'sam-pass' },
        { user: ATTACKER, password: 'attacker-pass' },
        { user: 'lina@press.test', password: 'lina-pass' },
      ],
    });
    relay = await smtpRelay(stack.smtpPort);
    temp = tempDbPath();
    nd = await startApp(temp.path, {
      NEWSDESK_IMAP_URL: stack.imapUrl(NEWSDESK),
      NEWSDESK_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
    });
  });

  afterAll(async () => {
    await nd?.close();
    await relay?.close();
    await stack?.stop();
    if (temp) rmSync(temp.dir, { recursive: true, force: true });
  });

  /** The journalist writes in through Postfix; resolves with the thread id once Newsdesk has it. */
  async function enquiry(
    subject: string,
    from: { name: string; address: string } = JOURNALIST,
    extra: Partial<Parameters<typeof composeRawMessage>[0]> = {},
  ) {
    const mail = composeRawMessage({
      from,
      to: NEWSDESK,
      subject,
      text: 'Could you confirm the figures in today’s statement? Deadline 5pm.',
      messageId: `enquiry-${++counter}-${Date.now()}@press.test`,
      ...extra,
    });
    await sendMail(stack, mail.raw, { from: from.address, to: NEWSDESK });
    const row = await pollUntil(
      () =>
        nd.db.$client
          .prepare('select thread_id threadId from messages where message_id = ?')
          .get(mail.messageId) as { threadId: number } | undefined,
      { what: `enquiry ${mail.messageId} to be ingested` },
    );
    return { threadId: row.threadId, messageId: mail.messageId };
  }

  async function postReply(threadId: number, body: Record<string, unknown>, key: string) {
    return nd.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/replies`,
      headers: { cookie: nd.cookie, 'idempotency-key': key },
      payload: body,
    });
  }

  async function replyState(id: number, until: (r: ReplyJson) => boolean, what: string): Promise<ReplyJson> {
    let last: ReplyJson | undefined;
    return pollUntil(
      async () => {
        last = (await nd.app.inject({ url: `/api/replies/${id}`, headers: { cookie: nd.cookie } })).json()
          .reply;
        return last && until(last) ? last : undefined;
      },
      { what, timeoutMs: 15_000 },
      () => JSON.stringify(last),
    );
  }

  it('a reply arrives once in the journalist mailbox, threaded, with one Sent copy; a double POST sends one', async () => {
    const { threadId, messageId: enquiryId } = await enquiry('RE: Question about the grant figures');
    const key = `k-${threadId}`;
    // A double click and a retried POST: the same key, concurrently and again afterwards.
    const [a, b] = await Promise.all([
      postReply(threadId, { text: 'Yes, the figures are correct.', quote: true }, key),
      postReply(threadId, { text: 'Yes, the figures are correct.', quote: true }, key),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 202]);
    expect(a.json().reply.id).toBe(b.json().reply.id);
    const replyId: number = a.json().reply.id;
    const again = await postReply(threadId, { text: 'Yes, the figures are correct.' }, key);
    expect(again.statusCode).toBe(200);
    expect(again.json().reply.id).toBe(replyId);

    const sent = await replyState(
      replyId,
      (r) => r.state === 'sent' && r.sentCopy === 'appended',
      'the reply to be sent and filed',
    );
    expect(sent.lastError).toBeNull();
    const ourId = nd.db.$client.prepare('select message_id id from outbox where id = ?').get(replyId) as {
      id: string;
    };
    expect(ourId.id).toMatch(new RegExp(`^reply\\.${threadId}\\.[a-z0-9]+@newsdesk\\.test$`));

    await stack.waitForDelivery(JOURNALIST.address, 1);
    const inbox = await folderSources(stack, JOURNALIST.address);
    expect(inbox).toHaveLength(1);
    const delivered = inbox[0]!;
    expect(header(delivered, 'message-id')).toEqual([`<${ourId.id}>`]);
    expect(header(delivered, 'in-reply-to')).toEqual([`<${enquiryId}>`]);
    expect(header(delivered, 'references')[0]).toContain(`<${enquiryId}>`);
    expect(header(delivered, 'subject')).toEqual(['Re: Question about the grant figures']);
    const from = header(delivered, 'from')[0]!;
    expect(from).toContain('<newsdesk@newsdesk.test>');
    // "Admin — FCDO Newsdesk", RFC 2047-encoded because of the dash.
    expect(Buffer.from(from, 'latin1').toString()).toMatch(/=\?UTF-8\?Q\?Admin_=E2=80=94_FCDO_Newsdesk\?=/);
    expect(delivered.toString('latin1')).toContain('> Could you confirm the figures');

    const sentFolder = withMessageId(await folderSources(stack, NEWSDESK, 'Sent'), ourId.id);
    expect(sentFolder).toHaveLength(1);
    expect(sentFolder[0]!.equals(delivered.subarray(delivered.length - sentFolder[0]!.length))).toBe(true);

    const thread = nd.db.$client
      .prepare('select status, first_response_at firstResponseAt from threads where id = ?')
      .get(threadId) as { status: string; firstResponseAt: number | null };
    expect(thread.status).toBe('answered');
    expect(thread.firstResponseAt).not.toBeNull();
    const states = nd.events
      .filter((e) => e.type === 'reply.status' && e.reply.id === replyId)
      .map((e) => (e.type === 'reply.status' ? e.reply.state : ''));
    expect(states).toContain('sending');
    expect(states).toContain('sent');
    const detail = (
      await nd.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie: nd.cookie } })
    ).json();
    const out = detail.messages.find((m: { direction: string }) => m.direction === 'out');
    expect(out.reply).toMatchObject({ id: replyId, state: 'sent' });

    // The Sent copy is not fed back as a new message (it lives in Sent, not INBOX); the Bcc case is below.
    // The journalist answers keeping only In-Reply-To (Outlook drops References): same thread.
    const answer = composeRawMessage({
      from: JOURNALIST,
      to: NEWSDESK,
      subject: 'Re: Re: Question about the grant figures',
      text: 'Thanks — one more question.',
      inReplyTo: ourId.id,
      messageId: `answer-${Date.now()}@press.test`,
    });
    await sendMail(stack, answer.raw, { from: JOURNALIST.address, to: NEWSDESK });
    const answered = await pollUntil(
      () =>
        nd.db.$client
          .prepare('select thread_id threadId from messages where message_id = ?')
          .get(answer.messageId) as { threadId: number } | undefined,
      { what: 'the answer to be ingested' },
    );
    expect(answered.threadId).toBe(threadId);
    const reopened = nd.db.$client.prepare('select status from threads where id = ?').get(threadId) as {
      status: string;
    };
    expect(reopened.status).toBe('open');
  });

  it('our own reply coming back into INBOX (a Bcc) is the same message: no new thread, no reopen', async () => {
    const { threadId } = await enquiry('Interview request for Thursday');
    const res = await postReply(
      threadId,
      { text: 'Thursday works.', statusAfterSend: 'waiting' },
      `bcc-${threadId}`,
    );
    const replyId: number = res.json().reply.id;
    await replyState(replyId, (r) => r.state === 'sent', 'sent');
    const raw = nd.db.$client
      .prepare(
        'select b.data data, o.message_id id from outbox o join blobs b on b.sha256 = o.raw_sha256 where o.id = ?',
      )
      .get(replyId) as { data: Buffer; id: string };
    const threadsBefore = (nd.db.$client.prepare('select count(*) n from threads').get() as { n: number }).n;
    const messagesBefore = (nd.db.$client.prepare('select count(*) n from messages').get() as { n: number })
      .n;
    // A list reflecting it adds a footer and List-Id: different bytes, same Message-ID.
    const reflected = Buffer.concat([Buffer.from('List-Id: <press.lists.test>\r\n'), raw.data]);
    await sendMail(stack, reflected, { from: NEWSDESK, to: NEWSDESK });
    await pollUntil(
      () =>
        (
          nd.db.$client
            .prepare(
              'select count(*) n from message_locations where message_row_id = (select message_row_id from outbox where id = ?)',
            )
            .get(replyId) as { n: number }
        ).n === 2,
      // The reply's own self-copy (NEWSDESK_SELF_COPY) and the reflected one: both the same message.
      { what: 'the self-copy and the reflected copy to be recognised as our reply' },
    );
    expect((nd.db.$client.prepare('select count(*) n from threads').get() as { n: number }).n).toBe(
      threadsBefore,
    );
    expect((nd.db.$client.prepare('select count(*) n from messages').get() as { n: number }).n).toBe(
      messagesBefore,
    );
    const status = nd.db.$client.prepare('select status from threads where id = ?').get(threadId) as {
      status: string;
    };
    expect(status.status).toBe('waiting');
  });

  it('SMTP unreachable: the reply retries, then arrives exactly once when the server is back', async () => {
    const { threadId } = await enquiry('Embargo question');
    const before = (await folderSources(stack, JOURNALIST.address)).length;
    await relay.down();
    const res = await postReply(threadId, { text: 'The embargo lifts at 00:01.' }, `retry-${threadId}`);
    expect(res.statusCode).toBe(202);
    const replyId: number = res.json().reply.id;
    const retrying = await replyState(
      replyId,
      (r) => r.state === 'retrying' && r.attempts >= 2,
      'retrying twice',
    );
    expect(retrying.lastError).toMatch(/ECONNREFUSED|connect/i);
    const health = (await nd.app.inject({ url: '/api/health', headers: { cookie: nd.cookie } })).json();
    expect(health.mailboxes.some((m: { state: string }) => m.state === 'retrying')).toBe(true);
    await relay.up();
    await replyState(
      replyId,
      (r) => r.state === 'sent' && r.sentCopy === 'appended',
      'sent after the relay is back',
    );
    await stack.waitForDelivery(JOURNALIST.address, before + 1);
    const ourId = (
      nd.db.$client.prepare('select message_id id from outbox where id = ?').get(replyId) as { id: string }
    ).id;
    // Give a stray second delivery the time to land before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(withMessageId(await folderSources(stack, JOURNALIST.address), ourId)).toHaveLength(1);
    expect(withMessageId(await folderSources(stack, NEWSDESK, 'Sent'), ourId)).toHaveLength(1);
  });

  it('a permanent refusal (550) fails at once with the server’s words and is never retried (O-05)', async () => {
    const ghost = { name: 'Ghost', address: 'ghost@press.test' };
    const { threadId } = await enquiry('Who are you?', ghost);
    const res = await postReply(threadId, { text: 'Hello.' }, `ghost-${threadId}`);
    const failed = await replyState(res.json().reply.id, (r) => r.state === 'failed', 'failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/550.*ghost@press\.test/);
    const alert = nd.events.find(
      (e) => e.type === 'reply.status' && e.reply.id === failed.id && e.reply.state === 'failed',
    );
    expect(alert).toBeDefined();
    await new Promise((r) => setTimeout(r, 700));
    const still = (
      await nd.app.inject({ url: `/api/replies/${failed.id}`, headers: { cookie: nd.cookie } })
    ).json().reply;
    expect(still).toMatchObject({ state: 'failed', attempts: 1 });
    const health = (await nd.app.inject({ url: '/api/health', headers: { cookie: nd.cookie } })).json();
    expect(health.status).toBe('degraded');
  });

  it('a journalist-chosen subject and name with CR/LF add no header and reach no one else (O-11)', async () => {
    const evilName = `Sam\r\nBcc: ${ATTACKER}`;
    const evilSubject = `Figures\r\nBcc: ${ATTACKER}\r\nX-Injected: yes`;
    // RFC 2047 words survive SMTP and decode to CR/LF inside Newsdesk.
    const mail = composeRawMessage({
      from: { name: evilName, address: JOURNALIST.address },
      to: NEWSDESK,
      subject: evilSubject,
      text: 'hi',
    });
    const encoded = mail.raw
      .toString('latin1')
      .replace(/^Subject: .*$/m, `Subject: =?UTF-8?B?${Buffer.from(evilSubject).toString('base64')}?=`)
      .replace(
        /^From: .*$/m,
        `From: =?UTF-8?B?${Buffer.from(evilName).toString('base64')}?= <${JOURNALIST.address}>`,
      );
    await sendMail(stack, Buffer.from(encoded, 'latin1'), { from: JOURNALIST.address, to: NEWSDESK });
    const row = await pollUntil(
      () =>
        nd.db.$client
          .prepare('select thread_id threadId, subject from messages where message_id = ?')
          .get(mail.messageId) as { threadId: number; subject: string } | undefined,
      { what: 'the hostile enquiry' },
    );
    // Ingest already flattens the subject; the reply must stay single-line either way.
    const before = (await folderSources(stack, JOURNALIST.address)).length;
    const res = await postReply(
      row.threadId,
      { text: 'Noted.', quote: true, replyAll: true },
      `evil-${row.threadId}`,
    );
    expect(res.statusCode).toBe(202);
    await replyState(res.json().reply.id, (r) => r.state === 'sent', 'sent');
    await stack.waitForDelivery(JOURNALIST.address, before + 1);
    const ourId = (
      nd.db.$client.prepare('select message_id id from outbox where id = ?').get(res.json().reply.id) as {
        id: string;
      }
    ).id;
    const [delivered] = withMessageId(await folderSources(stack, JOURNALIST.address), ourId);
    const headers = readRawHeaders(delivered!);
    expect(headers.has('bcc')).toBe(false);
    expect(headers.has('x-injected')).toBe(false);
    expect(headers.get('subject')).toHaveLength(1);
    expect(headers.get('to')).toHaveLength(1);
    expect(await folderSources(stack, ATTACKER)).toHaveLength(0);
  });

  it('after a crash between the 250 and the state update, a copy found in Sent means sent, never a resend (O-02)', async () => {
    const { threadId } = await enquiry('Crash test: visit schedule');
    // A long undo window keeps the worker off this reply while the crash is staged.
    await nd.close();
    const held = await startApp(temp.path, {
      NEWSDESK_IMAP_URL: stack.imapUrl(NEWSDESK),
      NEWSDESK_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
      NEWSDESK_UNDO_SECONDS: '3600',
    });
    const res = await held.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/replies`,
      headers: { cookie: held.cookie, 'idempotency-key': `crash-${threadId}` },
      payload: { text: 'The visit is on Monday.' },
    });
    const notFound = await held.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/replies`,
      headers: { cookie: held.cookie, 'idempotency-key': `crash2-${threadId}` },
      payload: { text: 'A second reply, interrupted before SMTP.' },
    });
    await held.close();
    const first = res.json().reply.id as number;
    const second = notFound.json().reply.id as number;
    const db = openMigratedDb(temp.path);
    const bytes = (id: number) =>
      db.$client
        .prepare(
          'select b.data data, o.message_id id from outbox o join blobs b on b.sha256 = o.raw_sha256 where o.id = ?',
        )
        .get(id) as { data: Buffer; id: string };
    const one = bytes(first);
    const two = bytes(second);
    // The dead process had sent the first one (250) and the provider filed it in Sent; both rows
    // were left in 'sending'.
    const before = (await folderSources(stack, JOURNALIST.address)).length;
    await sendMail(stack, one.data, { from: NEWSDESK, to: JOURNALIST.address });
    await appendMessages(stack, NEWSDESK, [one.data], 'Sent');
    await stack.waitForDelivery(JOURNALIST.address, before + 1);
    // The crash was long enough ago that a self-copy would have come back by now.
    db.$client
      .prepare("update outbox set state = 'sending', attempts = 1, updated_at = ? where id in (?, ?)")
      .run(Date.now() - 10 * 60_000, first, second);
    closeDb(db);

    nd = await startApp(temp.path, {
      NEWSDESK_IMAP_URL: stack.imapUrl(NEWSDESK),
      NEWSDESK_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
    });
    const a = await replyState(first, (r) => r.state === 'sent', 'the interrupted reply to be recognised');
    expect(a.sentCopy).toBe('appended');
    const b = await replyState(
      second,
      (r) => r.state === 'sent' && r.sentCopy === 'appended',
      'the unsent one to be sent',
    );
    expect(b.lastError).toMatch(/possible duplicate/);
    await stack.waitForDelivery(JOURNALIST.address, before + 2);
    await new Promise((r) => setTimeout(r, 300));
    const inbox = await folderSources(stack, JOURNALIST.address);
    expect(withMessageId(inbox, one.id)).toHaveLength(1);
    expect(withMessageId(inbox, two.id)).toHaveLength(1);
    const sent = await folderSources(stack, NEWSDESK, 'Sent');
    expect(withMessageId(sent, one.id)).toHaveLength(1);
    expect(withMessageId(sent, two.id)).toHaveLength(1);
  });

  it('an automatic acknowledgement arrives with a null sender and automatic headers, thread left new (L-08)', async () => {
    nd.db.$client
      .prepare("insert into settings (key, value, updated_at) values ('acknowledgement', ?, 0)")
      .run(JSON.stringify({ enabled: true }));
    const lina = { name: 'Lina', address: 'lina@press.test' };
    const { threadId } = await enquiry('Request for comment', lina);
    await stack.waitForDelivery(lina.address, 1);
    const [ack] = await folderSources(stack, lina.address);
    const headers = readRawHeaders(ack!);
    // Postfix records the envelope sender as Return-Path: <> for a null reverse-path.
    expect(headers.get('return-path')).toEqual(['<>']);
    expect(headers.get('auto-submitted')).toEqual(['auto-replied']);
    expect(headers.get('subject')?.[0]).toBe(
      `Re: Request for comment [ND-${String(threadId).padStart(6, '0')}]`,
    );
    const status = nd.db.$client.prepare('select status from threads where id = ?').get(threadId) as {
      status: string;
    };
    expect(status.status).toBe('new');
  });
});
