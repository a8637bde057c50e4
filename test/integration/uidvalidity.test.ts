/**
 * I-02 (BAD-INPUTS §4.3): UIDVALIDITY of the watched folder changes while its messages exist both in
 * our database and on the server. Every old UID is void: the app must rescan the folder, recognise
 * the messages it already has by (Message-ID, content hash), add only the missing ones, and move
 * uidvalidity and checkpoint together. Watches a non-INBOX folder on purpose (NEWSDESK_IMAP_FOLDER).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';
import { appendMessages } from '../support/send-mail.ts';

const USER = 'newsdesk@newsdesk.test';
const FOLDER = 'Enquiries';

function enquiry(i: number): { raw: Buffer; messageId: string } {
  return composeRawMessage({
    from: { name: `Reporter ${i}`, address: `reporter${i}@wire.test` },
    to: USER,
    subject: `Budget question ${i}`,
    text: `Question ${i} about the budget release.\n${'figures '.repeat(100 + i * 40)}`,
    messageId: `uidvalidity-${i}@wire.test`,
    // Fixed dates: the same enquiry must be byte-identical when it is appended again.
    date: new Date(Date.UTC(2026, 10, 20, 9, i)),
  });
}

describe.skipIf(!mailStackAvailable().ok)('I-02: UIDVALIDITY change on the watched folder', () => {
  let stack: MailStack;
  let t: TestApp;
  const old5 = [1, 2, 3, 4, 5].map(enquiry);
  const new2 = [6, 7].map(enquiry);

  const sqlite = () => t.db.$client;
  const count = (q: string, ...args: unknown[]): number =>
    (
      sqlite()
        .prepare(q)
        .get(...args) as { n: number }
    ).n;
  const mailboxRow = () =>
    sqlite().prepare('select id, folder, uidvalidity, last_uid lastUid from mailboxes').get() as {
      id: number;
      folder: string;
      uidvalidity: number;
      lastUid: number;
    };

  async function state(): Promise<string | undefined> {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    return (res.json() as { mailboxes: { state: string }[] }).mailboxes[0]?.state;
  }

  async function serverStatus(): Promise<{ uidvalidity: number; uidnext: number; messages: number }> {
    const out = await stack.doveadm([
      'mailbox',
      'status',
      '-u',
      USER,
      'messages uidnext uidvalidity',
      FOLDER,
    ]);
    const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(out)?.[1] ?? NaN);
    return { uidvalidity: field('uidvalidity'), uidnext: field('uidnext'), messages: field('messages') };
  }

  /** Forces a reconnect; a session that Dovecot already dropped leaves nobody to kick, which is fine. */
  async function kick(): Promise<void> {
    await stack.doveadm(['kick', USER]).catch(() => undefined);
  }

  /** UIDs recorded per uidvalidity for one Message-ID. */
  function locationsOf(messageId: string): { uidvalidity: number; uid: number }[] {
    return sqlite()
      .prepare(
        `select l.uidvalidity, l.uid from message_locations l join messages m on m.id = l.message_row_id
          where m.message_id = ? order by l.uidvalidity, l.uid`,
      )
      .all(messageId) as { uidvalidity: number; uid: number }[];
  }

  beforeAll(async () => {
    stack = await startMailStack();
    await stack.doveadm(['mailbox', 'create', '-u', USER, FOLDER]);
    await appendMessages(
      stack,
      USER,
      old5.map((m) => m.raw),
      FOLDER,
    );
    // Mail in INBOX must be ignored: only the configured folder is watched.
    await appendMessages(stack, USER, [enquiry(99).raw], 'INBOX');
    t = await startTestApp({
      listen: false,
      env: { NEWSDESK_IMAP_URL: stack.imapUrl(), NEWSDESK_IMAP_FOLDER: FOLDER },
    });
    await pollUntil(
      async () => count('select count(*) n from messages') === 5 && (await state()) === 'idle',
      {
        timeoutMs: 15_000,
        what: 'the first 5 messages stored',
      },
    );
  });

  afterAll(async () => {
    await t?.close();
    await stack?.stop();
  });

  it('delete + recreate: rescans, links the 5 known messages, adds the 2 new, 0 duplicates', async () => {
    const before = mailboxRow();
    const server1 = await serverStatus();
    expect(before.folder).toBe(FOLDER);
    expect(before.uidvalidity).toBe(server1.uidvalidity);
    expect(before.lastUid).toBe(5);
    expect(count('select count(*) n from messages where message_id = ?', 'uidvalidity-99@wire.test')).toBe(0);

    await stack.doveadm(['mailbox', 'delete', '-u', USER, FOLDER]);
    await stack.doveadm(['mailbox', 'create', '-u', USER, FOLDER]);
    // Same bytes as before plus two new ones; the recreated folder numbers them from UID 1 again.
    const uids = await appendMessages(
      stack,
      USER,
      [...old5, ...new2].map((m) => m.raw),
      FOLDER,
    );
    expect(uids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const server2 = await serverStatus();
    expect(server2.uidvalidity).not.toBe(server1.uidvalidity);
    await kick();

    const t0 = performance.now();
    await pollUntil(
      async () =>
        mailboxRow().uidvalidity === server2.uidvalidity &&
        mailboxRow().lastUid === 7 &&
        (await state()) === 'idle',
      { timeoutMs: 15_000, what: 'resync under the new UIDVALIDITY' },
      () => JSON.stringify(mailboxRow()),
    );
    console.log(
      `UIDVALIDITY ${server1.uidvalidity} → ${server2.uidvalidity}: resynced in ${(performance.now() - t0).toFixed(0)} ms after the kick`,
    );

    expect(count('select count(*) n from messages')).toBe(7);
    expect(count('select count(distinct message_id) n from messages')).toBe(7);
    expect(count("select count(*) n from events where type = 'message.created'")).toBe(7);
    expect(count('select count(*) n from messages where duplicate_message_id = 1')).toBe(0);
    // Old ones: the old UID and the new UID (same numbers, different uidvalidity).
    for (const [i, m] of old5.entries()) {
      expect(locationsOf(m.messageId), m.messageId).toEqual(
        [
          { uidvalidity: server1.uidvalidity, uid: i + 1 },
          { uidvalidity: server2.uidvalidity, uid: i + 1 },
        ].sort((a, b) => a.uidvalidity - b.uidvalidity),
      );
    }
    for (const [i, m] of new2.entries()) {
      expect(locationsOf(m.messageId), m.messageId).toEqual([
        { uidvalidity: server2.uidvalidity, uid: 6 + i },
      ]);
    }
    const row = mailboxRow();
    expect(row.uidvalidity).toBe(server2.uidvalidity);
    expect(row.lastUid).toBe(
      count(
        'select max(uid) n from message_locations where mailbox_id = ? and uidvalidity = ?',
        row.id,
        server2.uidvalidity,
      ),
    );
    expect(row.lastUid).toBe(server2.uidnext - 1);
    expect(count('select count(*) n from mailboxes')).toBe(1);
  });

  it('doveadm mailbox update --uid-validity (same UIDs, new validity): relinks all 7, stores nothing twice', async () => {
    const before = mailboxRow();
    const next = before.uidvalidity + 1000;
    await stack.doveadm(['mailbox', 'update', '-u', USER, '--uid-validity', String(next), FOLDER]);
    expect((await serverStatus()).uidvalidity).toBe(next);
    await kick();

    await pollUntil(
      async () =>
        mailboxRow().uidvalidity === next &&
        count('select count(*) n from message_locations where uidvalidity = ?', next) === 7 &&
        (await state()) === 'idle',
      { timeoutMs: 15_000, what: 'resync after the UIDVALIDITY bump' },
      () => JSON.stringify(mailboxRow()),
    );
    expect(count('select count(*) n from messages')).toBe(7);
    expect(count("select count(*) n from events where type = 'message.created'")).toBe(7);
    expect(
      sqlite()
        .prepare(
          'select mailbox_id, uidvalidity, uid, count(*) c from message_locations group by 1, 2, 3 having c > 1',
        )
        .all(),
    ).toEqual([]);
    const row = mailboxRow();
    expect(row.lastUid).toBe(7);
    // Three generations of locations: 5 + 7 + 7.
    expect(count('select count(*) n from message_locations')).toBe(19);
  });
});
