/**
 * I-09 / I-11 (BAD-INPUTS §4.3): the IMAP supervisor against a real Dovecot that goes away. Dovecot
 * killed outright while we IDLE (mail queues in Postfix meanwhile), `doveadm kick` during IDLE and
 * during a FETCH-heavy backfill. Each time the app must reconnect on its own (a fresh ImapFlow),
 * catch up, store everything exactly once, and not re-ingest because of the `UID n:*` rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { runWhenDbReaches } from '../support/db-trigger.ts';
import { pollUntil } from '../support/poll-until.ts';
import { appendMessages, sendMail } from '../support/send-mail.ts';

const USER = 'newsdesk@newsdesk.test';

interface Health {
  status: 'ok' | 'degraded';
  mailboxes: { address: string; state: string; lastError?: string }[];
  mailConfigured: boolean;
}

function enquiry(
  tag: string,
  i: number,
  bodyBytes = 600,
): { raw: Buffer; messageId: string; subject: string } {
  const subject = `${tag} enquiry ${i}`;
  const { raw, messageId } = composeRawMessage({
    from: { name: `Reporter ${i}`, address: `reporter${i}@paper.test` },
    to: USER,
    subject,
    text: `Could the ministry comment on ${tag} item ${i}?\n${'background '.repeat(Math.ceil(bodyBytes / 11))}`,
    messageId: `${tag}-${i}-${process.pid}@paper.test`,
  });
  return { raw, messageId, subject };
}

describe.skipIf(!mailStackAvailable().ok)('I-09/I-11: IMAP reconnect against a real Dovecot', () => {
  let stack: MailStack;
  let t: TestApp;
  let cookie = '';

  const sqlite = () => t.db.$client;
  const count = (q: string, ...args: unknown[]): number =>
    (
      sqlite()
        .prepare(q)
        .get(...args) as { n: number }
    ).n;
  const storedMessages = () => count('select count(*) n from messages');
  const maxSeq = () => count('select coalesce(max(seq), 0) n from events');
  /** Sync states the supervisor published after `seq`, in order: the log of what it went through. */
  const statesSince = (seq: number): string[] =>
    (
      sqlite()
        .prepare(
          "select json_extract(payload, '$.mailbox.state') s from events where type = 'sync.progress' and seq > ? order by seq",
        )
        .all(seq) as { s: string }[]
    ).map((r) => r.s);

  // Signed in: staff see the mailbox's error text, signed-out callers only its state.
  async function health(): Promise<Health> {
    cookie ||= await t.login();
    const res = await t.app.inject({ method: 'GET', url: '/api/health', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    return res.json() as Health;
  }

  async function waitForState(state: string, what: string, timeoutMs = 10_000): Promise<Health> {
    let last: Health | undefined;
    return pollUntil(
      async () => {
        last = await health();
        return last.mailboxes[0]?.state === state ? last : undefined;
      },
      { timeoutMs, intervalMs: 10, what },
      () => JSON.stringify(last),
    );
  }

  /** Every stored Message-ID once, one location per stored message, checkpoint = newest UID. */
  function assertExactlyOnce(expectedTotal: number): void {
    expect(storedMessages()).toBe(expectedTotal);
    expect(count('select count(distinct message_id) n from messages')).toBe(expectedTotal);
    expect(count('select count(*) n from message_locations')).toBe(expectedTotal);
    expect(count("select count(*) n from events where type = 'message.created'")).toBe(expectedTotal);
    const mb = sqlite().prepare('select id, last_uid lastUid, uidvalidity from mailboxes').get() as {
      id: number;
      lastUid: number;
      uidvalidity: number;
    };
    expect(mb.lastUid).toBe(
      count(
        'select max(uid) n from message_locations where mailbox_id = ? and uidvalidity = ?',
        mb.id,
        mb.uidvalidity,
      ),
    );
  }

  beforeAll(async () => {
    stack = await startMailStack();
    // One message already there, so the app starts with a real backfill and then IDLEs.
    await appendMessages(stack, USER, [enquiry('seed', 0).raw]);
    t = await startTestApp({ listen: false, env: { NEWSDESK_IMAP_URL: stack.imapUrl() } });
    cookie = await t.login();
    await pollUntil(async () => storedMessages() === 1 && (await health()).mailboxes[0]?.state === 'idle', {
      timeoutMs: 15_000,
      what: 'seed message stored and IDLE',
    });
  });

  afterAll(async () => {
    await t?.close();
    await stack?.stop();
  });

  it('rides out a Dovecot outage: degraded health, mail queued in Postfix arrives once after restart', async () => {
    const before = storedMessages();
    const seq0 = maxSeq();

    await stack.stopDovecot();
    const tDown = performance.now();
    const down = await waitForState('reconnecting', 'health to report reconnecting after Dovecot died');
    expect(down.status).toBe('degraded');
    expect(down.mailboxes[0]!.lastError).toBeTruthy();
    console.log(`Dovecot killed → health 'reconnecting' after ${(performance.now() - tDown).toFixed(0)} ms`);

    // Journalists keep writing during the outage: Postfix accepts and queues (LMTP socket is gone).
    const queued = [1, 2, 3].map((i) => enquiry('outage', i));
    for (const m of queued) await sendMail(stack, m.raw);
    // Let the app fail several reconnects against the dead server (backoff 100 ms → 1 s). Health,
    // sampled throughout, must say degraded the whole time, not flip back to ok between attempts.
    const outageUntil = Date.now() + 1_500;
    const samples: string[] = [];
    while (Date.now() < outageUntil) {
      const h = await health();
      samples.push(`${h.status}/${h.mailboxes[0]?.state}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(
      samples.filter((x) => !x.startsWith('degraded/')),
      samples.join(' '),
    ).toEqual([]);
    expect(storedMessages()).toBe(before);
    expect(statesSince(seq0)).not.toContain('idle');

    const tUp = performance.now();
    await stack.startDovecot();
    const tStarted = performance.now();
    await pollUntil(
      async () => storedMessages() === before + 3 && (await health()).mailboxes[0]?.state === 'idle',
      {
        timeoutMs: 15_000,
        what: 'the 3 queued messages stored and the supervisor back in IDLE',
      },
    );
    const tRecovered = performance.now();
    console.log(
      `recovery after Dovecot restart: ${(tRecovered - tStarted).toFixed(0)} ms from Dovecot answering ` +
        `(${(tRecovered - tUp).toFixed(0)} ms incl. Dovecot start + Postfix queue flush) to 3 queued messages stored and IDLE`,
    );
    const up = await health();
    expect(up.status).toBe('ok');
    expect(up.mailboxes[0]!.lastError).toBeUndefined();

    // Visible to staff, each once.
    const res = await t.app.inject({ method: 'GET', url: '/api/threads?limit=200', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const subjects = (res.json() as { threads: { subject: string }[] }).threads.map((th) => th.subject);
    for (const m of queued)
      expect(
        subjects.filter((s) => s === m.subject),
        m.subject,
      ).toHaveLength(1);
    for (const m of queued)
      expect(count('select count(*) n from messages where message_id = ?', m.messageId), m.messageId).toBe(1);
    assertExactlyOnce(before + 3);
  });

  it('reconnects after `doveadm kick` during IDLE without re-ingesting (UID n:* rule), then still gets new mail', async () => {
    await waitForState('idle', 'IDLE before the kick');
    const before = storedMessages();
    const seq0 = maxSeq();

    const tKick = performance.now();
    const kicked = await stack.doveadm(['kick', USER]);
    expect(kicked).toContain(USER);
    // The supervisor must notice the close, report reconnecting, and get back to IDLE on its own.
    await pollUntil(
      async () => {
        const states = statesSince(seq0);
        const r = states.indexOf('reconnecting');
        return r >= 0 && states.indexOf('idle', r) > r && (await health()).mailboxes[0]?.state === 'idle';
      },
      { timeoutMs: 10_000, intervalMs: 10, what: 'reconnect and IDLE after the kick' },
      () => statesSince(seq0).join(' → '),
    );
    const tBack = performance.now();
    const states = statesSince(seq0);
    console.log(
      `doveadm kick during IDLE → back in IDLE after ${(tBack - tKick).toFixed(0)} ms (${states.join(' → ')})`,
    );
    // Nothing new on the server: `UID SEARCH last+1:*` returns the old highest UID, which must be
    // filtered out, so no backfill phase at all and nothing stored twice.
    expect(states).not.toContain('backfill');
    expect(storedMessages()).toBe(before);

    const fresh = enquiry('after-kick', 1);
    const tSend = performance.now();
    await sendMail(stack, fresh.raw);
    await pollUntil(
      () => count('select count(*) n from messages where message_id = ?', fresh.messageId) === 1,
      {
        timeoutMs: 10_000,
        what: 'mail sent after the kick to be stored',
      },
    );
    console.log(
      `after the kick: SMTP send → stored in ${(performance.now() - tSend).toFixed(0)} ms (IDLE on the new connection)`,
    );
    assertExactlyOnce(before + 1);
    expect((await health()).status).toBe('ok');
  });

  it('reconnects after `doveadm kick` in the middle of a backfill and resumes from the checkpoint', async () => {
    await waitForState('idle', 'IDLE before the bulk move');
    const before = storedMessages();
    // More than one FETCH batch (200 UIDs), so the kick lands with work left for the new connection.
    const bulk = Array.from({ length: 300 }, (_, i) => enquiry('bulk', i, 1_000 + ((i * 997) % 6_000)));
    // Staged in an unwatched folder, then moved in one go: appending straight to INBOX lets the
    // app ingest while the APPENDs trickle in, and a kick would also cut our appending connection.
    await stack.doveadm(['mailbox', 'create', '-u', USER, 'Staging']);
    await appendMessages(
      stack,
      USER,
      bulk.map((m) => m.raw),
      'Staging',
    );
    const seq0 = maxSeq();

    // The kick must fire at a point in the backfill, not at a wall-clock guess; see db-trigger.ts
    // for why this runs on a worker thread.
    const kick = runWhenDbReaches({
      dbPath: t.config.dbPath,
      sql: 'select count(*) n from messages',
      atLeast: before + 20,
      command: ['/usr/bin/doveadm', '-c', `${stack.dir}/dovecot.conf`, 'kick', USER],
    });
    await stack.doveadm(['move', '-u', USER, 'INBOX', 'mailbox', 'Staging', 'all']);
    // firedAt is wall-clock time from the worker: the main thread may only get here once the
    // in-flight batch is done (see db-trigger.ts).
    const { seen, firedAt } = await kick;
    expect(seen - before).toBeLessThan(bulk.length);

    await pollUntil(
      async () =>
        storedMessages() === before + bulk.length && (await health()).mailboxes[0]?.state === 'idle',
      {
        timeoutMs: 25_000,
        what: 'all bulk messages stored after the mid-backfill kick',
      },
    );
    const log = sqlite()
      .prepare(
        "select seq, type, json_extract(payload, '$.mailbox.state') state from events where seq > ? and type in ('sync.progress', 'message.created') order by seq",
      )
      .all(seq0) as { seq: number; type: string; state: string | null }[];
    const reconnect = log.find((e) => e.state === 'reconnecting');
    const storedBefore = log.filter(
      (e) => e.type === 'message.created' && (!reconnect || e.seq < reconnect.seq),
    ).length;
    console.log(
      `kick mid-backfill (trigger at ${seen - before}/${bulk.length}, ${storedBefore} committed before the close was seen) → ` +
        `all stored and IDLE ${Date.now() - firedAt} ms after the kick`,
    );
    // The kick really cut the sync: a reconnect with messages left over, then a second backfill.
    expect(reconnect, log.map((e) => e.state ?? 'msg').join(' ')).toBeDefined();
    expect(storedBefore).toBeGreaterThanOrEqual(20);
    expect(storedBefore).toBeLessThan(bulk.length);
    expect(log.some((e) => e.state === 'backfill' && e.seq > reconnect!.seq)).toBe(true);
    for (const m of bulk)
      expect(count('select count(*) n from messages where message_id = ?', m.messageId), m.messageId).toBe(1);
    assertExactlyOnce(before + bulk.length);
  });
});
