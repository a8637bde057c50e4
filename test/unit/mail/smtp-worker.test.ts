/**
 * The outbox worker's exactly-once rules with an injected SMTP sender and Sent folder (the real ones
 * are exercised in test/integration/replies.test.ts): a real migrated database, real commands.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../db/client.ts';
import { createReply } from '../../../server/commands/replies/create-reply.ts';
import type { ReplySettings } from '../../../server/commands/replies/reply-settings.ts';
import { EventBus } from '../../../server/events.ts';
import { OutboxWorker, type OutboxWorkerOptions } from '../../../server/mail/smtp/outbox-worker.ts';
import type { MessageSearch, SentFolder } from '../../../server/mail/smtp/sent-folder.ts';
import type { SmtpDelivery, SmtpSend } from '../../../server/mail/smtp/transport.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { pollUntil } from '../../support/poll-until.ts';

const SETTINGS: ReplySettings = {
  ownAddress: 'newsdesk@newsdesk.test',
  officeName: 'Newsdesk',
  undoSeconds: 0,
  keepSentCopy: true,
};
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An SMTP server stand-in that records what it was given and answers as told. */
function recordingSmtp(answer: (raw: Buffer) => SmtpDelivery | Error = () => ok()) {
  const sent: { to: string[]; raw: Buffer }[] = [];
  const send: SmtpSend = async (envelope, raw) => {
    const result = answer(raw);
    if (result instanceof Error) throw result;
    sent.push({ to: envelope.to, raw });
    return result;
  };
  return { send, sent };
}

function ok(): SmtpDelivery {
  return { response: '250 2.0.0 Ok: queued', accepted: ['sam@paper.test'], rejected: [] };
}

/** A Sent folder in memory, which can be made unreachable or to refuse APPEND. */
function memorySent() {
  const ids: string[] = [];
  const state = { reachable: true, appendFails: false, appends: 0 };
  const folder: SentFolder = {
    async contains(id) {
      if (!state.reachable) throw new Error('connect ECONNREFUSED');
      return ids.includes(id);
    },
    async appendOnce(_raw, id) {
      if (!state.reachable) throw new Error('connect ECONNREFUSED');
      if (ids.includes(id)) return 'already-there';
      if (state.appendFails) throw new Error('NO [OVERQUOTA] Quota exceeded');
      state.appends++;
      ids.push(id);
      return 'appended';
    },
  };
  return { folder, ids, state };
}

describe('outbox worker', () => {
  let t: TestApp;
  let threadId: number;
  let workers: OutboxWorker[] = [];
  let key = 0;

  beforeEach(async () => {
    // No SMTP configured: the app's own worker stays idle and these tests run theirs.
    t = await startTestApp({ listen: false });
    await t.ingestRaw(
      [
        'From: Sam <sam@paper.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Figures',
        'Message-ID: <q@paper.test>',
        'Date: Mon, 16 Nov 2026 10:00:00 +0000',
        '',
        'Which figures?',
        '',
      ].join('\r\n'),
    );
    threadId = (t.db.$client.prepare('select id from threads').get() as { id: number }).id;
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
    await t.close();
  });

  async function reply(text = 'Here.'): Promise<{ id: number; messageId: string }> {
    const result = await createReply(
      t.db,
      { threadId, author: { id: 1, name: 'Admin' }, idempotencyKey: `k${++key}`, text },
      SETTINGS,
      new Date(),
    );
    const row = t.db.$client.prepare('select message_id m from outbox where id = ?').get(result.reply.id) as {
      m: string;
    };
    return { id: result.reply.id, messageId: row.m };
  }

  function worker(
    db: Db,
    send: SmtpSend | null,
    sentFolder: SentFolder | null,
    more: Partial<OutboxWorkerOptions> = {},
  ): OutboxWorker {
    const w = new OutboxWorker({
      db,
      bus: new EventBus(),
      now: () => new Date(),
      logger: quiet,
      send,
      sentFolder,
      retry: { baseMs: 20, capMs: 40, maxAttempts: 3 },
      sentCopyRetryMs: 30,
      pollMs: 20,
      recoveryCheckMs: 20,
      ...more,
    });
    workers.push(w);
    w.start();
    return w;
  }

  const state = (id: number) =>
    t.db.$client
      .prepare('select state, attempts, last_error lastError, sent_copy sentCopy from outbox where id = ?')
      .get(id) as { state: string; attempts: number; lastError: string | null; sentCopy: string };

  it('two workers on two connections send a reply once (O-07)', async () => {
    const smtp = recordingSmtp();
    const sent = memorySent();
    const replies = [await reply('one'), await reply('two'), await reply('three')];
    const second = openDb(t.config.dbPath);
    try {
      worker(t.db, smtp.send, sent.folder);
      worker(second, smtp.send, sent.folder);
      for (const r of replies)
        await pollUntil(() => state(r.id).state === 'sent', { what: `reply ${r.id} sent` });
      await new Promise((r) => setTimeout(r, 100));
      expect(smtp.sent).toHaveLength(3);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      second.$client.close();
    }
  });

  it('a failed Sent APPEND is retried on its own and never sends the mail again (O-08)', async () => {
    const smtp = recordingSmtp();
    const sent = memorySent();
    sent.state.appendFails = true;
    const r = await reply();
    worker(t.db, smtp.send, sent.folder);
    await pollUntil(() => state(r.id).sentCopy === 'failed', { what: 'the APPEND to fail' });
    sent.state.appendFails = false;
    await pollUntil(() => state(r.id).sentCopy === 'appended', { what: 'the copy to be filed' });
    expect(smtp.sent).toHaveLength(1);
    expect(sent.state.appends).toBe(1);
    expect(state(r.id).state).toBe('sent');
  });

  it('a crash between the sent state and the APPEND leaves a copy owed, filed once after restart', async () => {
    const smtp = recordingSmtp();
    const sent = memorySent();
    const r = await reply();
    t.db.$client
      .prepare("update outbox set state = 'sent', attempts = 1, sent_copy = 'pending' where id = ?")
      .run(r.id);
    worker(t.db, smtp.send, sent.folder);
    await pollUntil(() => state(r.id).sentCopy === 'appended', { what: 'the owed copy' });
    expect(sent.state.appends).toBe(1);
    expect(smtp.sent).toHaveLength(0);
  });

  it('a copy the provider already filed is not appended twice (O-09)', async () => {
    const smtp = recordingSmtp();
    const sent = memorySent();
    const r = await reply();
    sent.ids.push(r.messageId);
    worker(t.db, smtp.send, sent.folder);
    await pollUntil(() => state(r.id).sentCopy === 'appended', { what: 'the copy to be settled' });
    expect(sent.state.appends).toBe(0);
  });

  it('an unreachable Sent folder at start-up holds back only the interrupted reply', async () => {
    const smtp = recordingSmtp();
    const sent = memorySent();
    const interrupted = await reply('interrupted');
    t.db.$client
      .prepare("update outbox set state = 'sending', attempts = 1 where id = ?")
      .run(interrupted.id);
    sent.state.reachable = false;
    worker(t.db, smtp.send, sent.folder);
    const other = await reply('other');
    await pollUntil(() => state(other.id).state === 'sent', { what: 'the other reply to go' });
    expect(state(interrupted.id).state).toBe('sending');
    // The provider had filed it before the crash: once Sent answers, it is sent without a resend.
    sent.ids.push(interrupted.messageId);
    sent.state.reachable = true;
    await pollUntil(() => state(interrupted.id).state === 'sent', {
      what: 'the interrupted reply to settle',
    });
    expect(
      smtp.sent.map((s) => s.raw.toString('latin1')).some((raw) => raw.includes(interrupted.messageId)),
    ).toBe(false);
  });

  it('a line cut after the final "." is checked in Sent before any retry (O-03)', async () => {
    const sent = memorySent();
    let attempts = 0;
    const r = await reply();
    // The server took the message and filed it, then the connection dropped before its 250 reached us.
    const cut = recordingSmtp(() => {
      attempts++;
      sent.ids.push(r.messageId);
      return Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' });
    });
    worker(t.db, cut.send, sent.folder);
    await pollUntil(() => state(r.id).state === 'sent', { what: 'the reply to be found in Sent' });
    expect(attempts).toBe(1);
    expect(state(r.id).sentCopy).toBe('appended');
  });

  it('records recipients the server refused while others were accepted (O-06)', async () => {
    const smtp = recordingSmtp(() => ({
      response: '250 ok',
      accepted: ['sam@paper.test'],
      rejected: [{ address: 'gone@paper.test', response: '550 5.1.1 no such user' }],
    }));
    const r = await reply();
    worker(t.db, smtp.send, null);
    await pollUntil(() => state(r.id).state === 'sent', { what: 'sent' });
    expect(state(r.id).lastError).toBe('not accepted for gone@paper.test (550 5.1.1 no such user)');
    expect(smtp.sent).toHaveLength(1);
  });

  it('temporary failures back off and give up after the last attempt; 4xx then success sends once (O-04)', async () => {
    let calls = 0;
    const flaky = recordingSmtp(() =>
      ++calls < 3
        ? Object.assign(new Error('451 4.3.0 try later'), {
            responseCode: 451,
            response: '451 4.3.0 try later',
          })
        : ok(),
    );
    const r = await reply();
    worker(t.db, flaky.send, null);
    await pollUntil(() => state(r.id).state === 'sent', { what: 'sent after two 451s' });
    expect(state(r.id)).toMatchObject({ attempts: 3, lastError: null });
    expect(flaky.sent).toHaveLength(1);

    const down = recordingSmtp(() => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }));
    await Promise.all(workers.map((w) => w.stop()));
    const lost = await reply('never');
    worker(t.db, down.send, null);
    await pollUntil(() => state(lost.id).state === 'failed', { what: 'giving up' });
    expect(state(lost.id).lastError).toMatch(/^gave up after 3 attempts: connect ECONNREFUSED/);
  });

  describe('self-copy: the newsdesk address as one more envelope recipient', () => {
    const NEWSDESK = 'newsdesk@newsdesk.test';

    /** The watched inbox in memory: the copies the MTA delivered to the newsdesk address. */
    function memoryInbox() {
      const ids: string[] = [];
      const state = { reachable: true, searches: 0 };
      const inbox: MessageSearch = {
        async contains(id) {
          state.searches++;
          if (!state.reachable) throw new Error('connect ECONNREFUSED');
          return ids.includes(id);
        },
      };
      return { inbox, ids, state };
    }

    /** A clock the test moves by hand. */
    function manualClock(start = Date.now()) {
      let ms = start;
      return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
    }

    const interrupt = (id: number, at: Date) =>
      t.db.$client
        .prepare("update outbox set state = 'sending', attempts = 1, updated_at = ? where id = ?")
        .run(at.getTime(), id);
    const sentWith = (smtp: ReturnType<typeof recordingSmtp>, messageId: string) =>
      smtp.sent.filter((s) => s.raw.toString('latin1').includes(messageId));

    it('a reply goes to the journalist and, in the same transaction, to the newsdesk; headers unchanged', async () => {
      const smtp = recordingSmtp();
      const r = await reply();
      worker(t.db, smtp.send, null, { selfCopyTo: NEWSDESK, inbox: memoryInbox().inbox });
      await pollUntil(() => state(r.id).state === 'sent', { what: 'sent' });
      expect(smtp.sent).toHaveLength(1);
      expect(smtp.sent[0]!.to).toEqual(['sam@paper.test', NEWSDESK]);
      const headers = smtp.sent[0]!.raw.toString('latin1').split('\r\n\r\n')[0]!;
      expect(headers).toMatch(/^To: .*sam@paper\.test/im);
      expect(headers).not.toMatch(/^(To|Cc|Bcc):.*newsdesk@newsdesk\.test/im);
    });

    it('with NEWSDESK_SELF_COPY off, or without an inbox to watch, the envelope is the journalist alone', async () => {
      const smtp = recordingSmtp();
      const one = await reply('one');
      worker(t.db, smtp.send, null, { selfCopyTo: null, inbox: memoryInbox().inbox });
      await pollUntil(() => state(one.id).state === 'sent', { what: 'sent' });
      await Promise.all(workers.map((w) => w.stop()));
      const two = await reply('two');
      worker(t.db, smtp.send, null, { selfCopyTo: NEWSDESK, inbox: null });
      await pollUntil(() => state(two.id).state === 'sent', { what: 'sent' });
      expect(smtp.sent.map((s) => s.to)).toEqual([['sam@paper.test'], ['sam@paper.test']]);
    });

    it('an automatic acknowledgement gets no self-copy, and after a crash is not waited for', async () => {
      const smtp = recordingSmtp();
      const { inbox, state: inboxState } = memoryInbox();
      const ack = await reply('Received, reference ND-1');
      t.db.$client
        .prepare("update outbox set kind = 'acknowledgement', envelope_from = '' where id = ?")
        .run(ack.id);
      worker(t.db, smtp.send, null, { selfCopyTo: NEWSDESK, inbox });
      await pollUntil(() => state(ack.id).state === 'sent', { what: 'sent' });
      expect(smtp.sent.map((s) => s.to)).toEqual([['sam@paper.test']]);
      await Promise.all(workers.map((w) => w.stop()));
      // Interrupted just now: with no copy to wait for, it goes again at once (flagged).
      t.db.$client
        .prepare("update outbox set state = 'sending', updated_at = ? where id = ?")
        .run(Date.now(), ack.id);
      worker(t.db, smtp.send, null, { selfCopyTo: NEWSDESK, inbox, selfCopyGraceMs: 3_600_000 });
      await pollUntil(() => smtp.sent.length === 2, { what: 'the resend' });
      expect(inboxState.searches).toBeGreaterThanOrEqual(1);
      expect(state(ack.id).lastError).toMatch(/^possible duplicate/);
    });

    it('only the self-copy accepted means the journalist got nothing: failed, not sent', async () => {
      const smtp = recordingSmtp(() => ({
        response: '250 2.0.0 Ok: queued',
        accepted: [NEWSDESK],
        rejected: [{ address: 'sam@paper.test', response: '550 5.1.1 no such user' }],
      }));
      const r = await reply();
      worker(t.db, smtp.send, null, { selfCopyTo: NEWSDESK, inbox: memoryInbox().inbox });
      await pollUntil(() => state(r.id).state === 'failed', { what: 'failed' });
      expect(state(r.id).lastError).toBe('no recipient accepted: sam@paper.test (550 5.1.1 no such user)');
    });

    it('a refused self-copy is no failure and no note for the officer', async () => {
      const smtp = recordingSmtp(() => ({
        response: '250 2.0.0 Ok: queued',
        accepted: ['sam@paper.test'],
        rejected: [{ address: NEWSDESK, response: '452 4.2.2 mailbox full' }],
      }));
      const r = await reply();
      worker(t.db, smtp.send, null, { selfCopyTo: NEWSDESK, inbox: memoryInbox().inbox });
      await pollUntil(() => state(r.id).state === 'sent', { what: 'sent' });
      expect(state(r.id).lastError).toBeNull();
    });

    it('after a crash, the copy in the inbox means sent: no resend, though Sent never had it', async () => {
      const smtp = recordingSmtp();
      const sent = memorySent();
      const { inbox, ids } = memoryInbox();
      const clock = manualClock();
      const r = await reply();
      interrupt(r.id, clock.now());
      ids.push(r.messageId);
      worker(t.db, smtp.send, sent.folder, { selfCopyTo: NEWSDESK, inbox, now: clock.now });
      await pollUntil(() => state(r.id).state === 'sent', { what: 'settled from the inbox copy' });
      expect(sentWith(smtp, r.messageId)).toHaveLength(0);
      const row = t.db.$client.prepare('select smtp_response r from outbox where id = ?').get(r.id);
      expect(row).toEqual({ r: 'found in the inbox after a restart' });
      // Sent is still owed its copy, filed once.
      await pollUntil(() => state(r.id).sentCopy === 'appended', { what: 'the Sent copy' });
      expect(sent.state.appends).toBe(1);
    });

    it('no copy yet: waits out the grace period, looking again, then sends again flagged', async () => {
      const smtp = recordingSmtp();
      const { inbox, state: inboxState } = memoryInbox();
      const clock = manualClock();
      const r = await reply();
      interrupt(r.id, clock.now());
      worker(t.db, smtp.send, null, {
        selfCopyTo: NEWSDESK,
        inbox,
        now: clock.now,
        selfCopyGraceMs: 120_000,
        recoveryCheckMs: 10_000,
      });
      await pollUntil(() => inboxState.searches >= 1, { what: 'a first look' });
      // Other replies are not held up meanwhile.
      const other = await reply('other');
      clock.advance(5_000);
      await pollUntil(() => state(other.id).state === 'sent', { what: 'the other reply' });
      clock.advance(55_000);
      await pollUntil(() => inboxState.searches >= 2, { what: 'a second look' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(state(r.id).state).toBe('sending');
      expect(sentWith(smtp, r.messageId)).toHaveLength(0);
      clock.advance(60_000);
      await pollUntil(() => state(r.id).state === 'sent', { what: 'the resend after the grace period' });
      expect(sentWith(smtp, r.messageId)).toHaveLength(1);
      expect(state(r.id).lastError).toMatch(/^possible duplicate: .*no copy was found in Sent or the inbox/);
    });

    it('a copy arriving during the grace period settles the reply through ingest, without a resend', async () => {
      const smtp = recordingSmtp();
      const { inbox } = memoryInbox();
      const clock = manualClock();
      const r = await reply();
      interrupt(r.id, clock.now());
      worker(t.db, smtp.send, null, { selfCopyTo: NEWSDESK, inbox, now: clock.now });
      const raw = (
        t.db.$client
          .prepare('select b.data d from outbox o join blobs b on b.sha256 = o.raw_sha256 where o.id = ?')
          .get(r.id) as { d: Buffer }
      ).d;
      const events: string[] = [];
      const off = t.app.bus.subscribe((e) => events.push(e.type));
      try {
        // The MTA adds its trace headers to the copy it delivers to the newsdesk.
        await t.ingestRaw(
          Buffer.concat([
            Buffer.from('Return-Path: <newsdesk@newsdesk.test>\r\nDelivered-To: newsdesk@newsdesk.test\r\n'),
            raw,
          ]),
        );
      } finally {
        off();
      }
      expect(state(r.id)).toMatchObject({ state: 'sent', lastError: null });
      expect(events).toContain('reply.status');
      const thread = t.db.$client.prepare('select status from threads where id = ?').get(threadId);
      expect(thread).toEqual({ status: 'answered' });
      clock.advance(10 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sentWith(smtp, r.messageId)).toHaveLength(0);
    });

    it('a copy that comes back before the 250 is recorded settles the reply; the server words are kept', async () => {
      const sends: string[][] = [];
      const send: SmtpSend = async (envelope, raw) => {
        sends.push(envelope.to);
        // The MTA delivered the self-copy and the inbox sync took it in before this answer was read.
        await t.ingestRaw(raw);
        return { response: '250 2.0.0 Ok: queued as 4Xyz', accepted: envelope.to, rejected: [] };
      };
      const r = await reply();
      worker(t.db, send, null, { selfCopyTo: NEWSDESK, inbox: memoryInbox().inbox });
      await pollUntil(
        () =>
          (t.db.$client.prepare('select smtp_response r from outbox where id = ?').get(r.id) as { r: string })
            .r === '250 2.0.0 Ok: queued as 4Xyz',
        { what: "the server's words" },
      );
      expect(state(r.id)).toMatchObject({ state: 'sent', lastError: null });
      expect(sends).toEqual([['sam@paper.test', NEWSDESK]]);
    });

    it('a copy arriving while a reply waits to be retried after an interrupted attempt cancels the resend', async () => {
      const r = await reply();
      t.db.$client
        .prepare(
          "update outbox set state = 'retrying', attempts = 1, send_after = ?, last_error = 'possible duplicate: sending was interrupted' where id = ?",
        )
        .run(Date.now() + 3_600_000, r.id);
      const raw = (
        t.db.$client
          .prepare('select b.data d from outbox o join blobs b on b.sha256 = o.raw_sha256 where o.id = ?')
          .get(r.id) as { d: Buffer }
      ).d;
      await t.ingestRaw(raw);
      expect(state(r.id)).toMatchObject({ state: 'sent', lastError: null });
    });
  });
});
