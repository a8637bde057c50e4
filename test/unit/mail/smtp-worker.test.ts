/**
 * The outbox worker's exactly-once rules with an injected SMTP sender and Sent folder (the real ones
 * are exercised in test/integration/replies.test.ts): a real migrated database, real commands.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../db/client.ts';
import { createReply, type ReplySettings } from '../../../server/commands/send-reply.ts';
import { EventBus } from '../../../server/events.ts';
import { OutboxWorker } from '../../../server/mail/smtp/outbox-worker.ts';
import type { SentFolder } from '../../../server/mail/smtp/sent-folder.ts';
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

  function worker(db: Db, send: SmtpSend | null, sentFolder: SentFolder | null): OutboxWorker {
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
});
