/**
 * I-01 (BAD-INPUTS §4.3): `kill -9` of the real server process in the middle of an IMAP backfill,
 * twice, at different points. Because every message commits together with the mailbox checkpoint,
 * a restart must finish the backfill with each message stored exactly once and nothing skipped.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { TEST_ADMIN } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';
import { appendMessages } from '../support/send-mail.ts';
import { freePort, spawnServer, tailFile, type ServerChild } from '../support/server-child.ts';

const USER = 'newsdesk@newsdesk.test';
const TOTAL = 400;

/** Small deterministic PRNG so a failing run can be reproduced with the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'minister statement press release embargo deadline interview quote background briefing spokesperson ministry budget tender contract hospital school election council comment request confirm deny figures report'.split(
    ' ',
  );
const OUTLETS = ['paper.test', 'wire.test', 'radio.test', 'tv.test', 'weekly.test'];

interface Enquiry {
  raw: Buffer;
  messageId: string;
  /** Index of the message this one replies to, if any. */
  parent: number | null;
}

/**
 * 400 distinct enquiries of 1–20 KB; about a third reply to an earlier one (In-Reply-To and
 * References), so the threading code has real work to do on every restart.
 */
function makeCorpus(n: number, seed = 42): Enquiry[] {
  const rnd = prng(seed);
  const out: Enquiry[] = [];
  const base = Date.now() - 7 * 86_400_000;
  for (let i = 0; i < n; i++) {
    const parent = i > 5 && rnd() < 0.35 ? Math.floor(rnd() * i) : null;
    const journalist =
      parent !== null ? null : `reporter${Math.floor(rnd() * 60)}@${OUTLETS[i % OUTLETS.length]}`;
    const parentMsg = parent !== null ? out[parent]! : null;
    const from = parentMsg ? fromOf(parentMsg.raw) : journalist!;
    const targetBytes = 1024 + Math.floor(rnd() * 19 * 1024);
    const lines: string[] = [];
    let size = 0;
    while (size < targetBytes) {
      const line = Array.from({ length: 12 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
      lines.push(line);
      size += line.length + 2;
    }
    const messageId = `crash-${i}-${seed}@${from.split('@')[1]}`;
    const subject = parentMsg
      ? `Re: ${subjectOf(parentMsg.raw)}`
      : `Enquiry ${i}: ${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]}`;
    const { raw } = composeRawMessage({
      from: { name: `Reporter ${from.split('@')[0]}`, address: from },
      to: USER,
      subject,
      text: lines.join('\n'),
      messageId,
      ...(parentMsg ? { inReplyTo: parentMsg.messageId, references: [parentMsg.messageId] } : {}),
      date: new Date(base + i * 60_000),
    });
    out.push({ raw, messageId, parent });
  }
  return out;
}

function headerOf(raw: Buffer, name: string): string {
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}
function fromOf(raw: Buffer): string {
  return /<([^>]+)>/.exec(headerOf(raw, 'From'))![1]!;
}
function subjectOf(raw: Buffer): string {
  return headerOf(raw, 'Subject').replace(/^(Re:\s*)+/i, '');
}

interface Snapshot {
  messages: number;
  locations: number;
  lastUid: number;
  uidvalidity: number | null;
  maxLocationUid: number;
  minLocationUid: number;
}

/**
 * Reads the server's database read-only, as a second process would: whatever it sees is what a
 * crash at this instant would leave behind.
 */
function snapshot(db: Database.Database): Snapshot | undefined {
  const hasTables = db
    .prepare("select count(*) n from sqlite_master where type='table' and name='message_locations'")
    .get() as { n: number };
  if (hasTables.n === 0) return undefined;
  const mb = db.prepare('select id, last_uid lastUid, uidvalidity from mailboxes').all() as {
    id: number;
    lastUid: number;
    uidvalidity: number | null;
  }[];
  if (mb.length === 0) return undefined;
  expect(mb).toHaveLength(1);
  const m = mb[0]!;
  // One read transaction, so the counts and the checkpoint come from the same commit.
  return db
    .transaction(() => {
      const messages = (db.prepare('select count(*) n from messages').get() as { n: number }).n;
      const loc = db
        .prepare(
          'select count(*) n, coalesce(max(uid), 0) maxUid, coalesce(min(uid), 0) minUid from message_locations where mailbox_id = ? and uidvalidity = ?',
        )
        .get(m.id, m.uidvalidity ?? -1) as { n: number; maxUid: number; minUid: number };
      const checkpoint = db
        .prepare('select last_uid lastUid, uidvalidity from mailboxes where id = ?')
        .get(m.id) as { lastUid: number; uidvalidity: number | null };
      return {
        messages,
        locations: loc.n,
        lastUid: checkpoint.lastUid,
        uidvalidity: checkpoint.uidvalidity,
        maxLocationUid: loc.maxUid,
        minLocationUid: loc.minUid,
      };
    })
    .deferred();
}

describe.skipIf(!mailStackAvailable().ok)('I-01: kill -9 during IMAP backfill (real server process)', () => {
  let stack: MailStack;
  let workDir: string;
  let dbPath: string;
  let logFile: string;
  let corpus: Enquiry[];
  let uids: number[];
  const children: ServerChild[] = [];
  let reader: Database.Database | undefined;

  beforeAll(async () => {
    stack = await startMailStack();
    workDir = await fsp.mkdtemp(join(tmpdir(), 'newsdesk-crash-'));
    dbPath = join(workDir, 'newsdesk.db');
    logFile = join(workDir, 'server.log');
    corpus = makeCorpus(TOTAL);
    const t0 = performance.now();
    uids = await appendMessages(
      stack,
      USER,
      corpus.map((e) => e.raw),
    );
    const bytes = corpus.reduce((s, e) => s + e.raw.length, 0);
    console.log(
      `appended ${uids.length} messages (${(bytes / 1024 / 1024).toFixed(1)} MB) in ${(performance.now() - t0).toFixed(0)} ms`,
    );
  });

  afterAll(async () => {
    // Kill every child even when the test failed half-way; a live server would keep the db and port.
    for (const c of children) await c.kill().catch(() => undefined);
    reader?.close();
    await stack?.stop();
    if (workDir) await fsp.rm(workDir, { recursive: true, force: true });
  });

  function start(port: number): ServerChild {
    const child = spawnServer(
      {
        NEWSDESK_DB: dbPath,
        NEWSDESK_IMAP_URL: stack.imapUrl(),
        NEWSDESK_ADDRESS: USER,
        NEWSDESK_LOG_LEVEL: 'warn',
        NEWSDESK_ADMIN_EMAIL: TEST_ADMIN.email,
        NEWSDESK_ADMIN_PASSWORD: TEST_ADMIN.password,
      },
      logFile,
      port,
    );
    children.push(child);
    return child;
  }

  function openReader(): Database.Database {
    if (!reader) reader = new Database(dbPath, { readonly: true, fileMustExist: true });
    return reader;
  }

  /** Polls the db until at least `atLeast` messages are stored, then SIGKILLs the server at once. */
  async function killWhenStored(child: ServerChild, atLeast: number, jitterMs = 0): Promise<Snapshot> {
    const seen = await pollUntil(
      () => {
        if (!fs.existsSync(dbPath)) return undefined;
        const s = snapshot(openReader());
        return s && s.messages >= atLeast ? s : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 2, what: `${atLeast} stored messages` },
      () => tailFile(logFile, 10),
    );
    // Right after a commit we saw, or a few ms later: then the kill can land inside the next
    // message's transaction (one message takes ~10–30 ms here) instead of between two.
    if (jitterMs > 0) await new Promise((resolve) => setTimeout(resolve, jitterMs));
    await child.kill();
    return seen;
  }

  /** What the crash left behind must be a consistent prefix: UIDs 1..checkpoint, nothing more. */
  function assertConsistentPrefix(label: string): Snapshot {
    // A fresh connection after the kill: the writer died mid-WAL and must be read as it is on disk.
    reader?.close();
    reader = undefined;
    const s = snapshot(openReader())!;
    console.log(`${label}: ${s.messages} messages stored, checkpoint ${s.lastUid}`);
    expect(s.uidvalidity).not.toBeNull();
    expect(s.lastUid).toBe(s.maxLocationUid);
    // Ingest runs in UID order, so the committed set is exactly 1..checkpoint: no hole below it.
    expect(s.minLocationUid).toBe(uids[0]);
    expect(s.locations).toBe(s.lastUid);
    expect(s.messages).toBe(s.locations);
    return s;
  }

  it('finishes the backfill after two SIGKILLs with every message exactly once', async () => {
    expect(uids).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));

    // Kill 1: early, in the first FETCH batch (batch size 200).
    const t0 = performance.now();
    const first = start(await freePort());
    const atKill1 = await killWhenStored(first, 50);
    const exit1 = await first.exited;
    expect(exit1.signal).toBe('SIGKILL');
    const after1 = assertConsistentPrefix('after kill 1');
    // The kill landed during the backfill, not after it.
    expect(after1.messages).toBeGreaterThanOrEqual(atKill1.messages);
    expect(after1.messages).toBeLessThan(TOTAL);

    // Kill 2: later, in the restarted server's second batch, at a random point inside a message.
    const second = start(await freePort());
    const target2 = Math.max(after1.messages + 100, 220);
    await killWhenStored(second, target2, 1 + Math.floor(Math.random() * 15));
    await second.exited;
    const after2 = assertConsistentPrefix('after kill 2');
    expect(after2.messages).toBeGreaterThanOrEqual(after1.messages);
    expect(after2.messages).toBeLessThan(TOTAL);

    // Restart 3: runs to completion and settles into IDLE.
    const t3 = performance.now();
    const third = start(await freePort());
    await pollUntil(
      async () => {
        const res = await fetch(`${third.url}/api/health`);
        const body = (await res.json()) as { status: string; mailboxes: { state: string }[] };
        const s = snapshot(openReader());
        return body.mailboxes[0]?.state === 'idle' && s?.messages === TOTAL ? body : undefined;
      },
      { timeoutMs: 25_000, intervalMs: 25, what: 'health idle with all messages stored' },
      () => tailFile(logFile, 10),
    );
    const tDone = performance.now();
    const remaining = TOTAL - after2.messages;
    console.log(
      `final restart stored the remaining ${remaining} messages and went idle in ${(tDone - t3).toFixed(0)} ms ` +
        `(~${((remaining / (tDone - t3)) * 1000).toFixed(0)} msg/s incl. process start); whole scenario ${(tDone - t0).toFixed(0)} ms`,
    );

    reader?.close();
    reader = undefined;
    const db = openReader();
    // Pure ingest rate of the last run, from the commit timestamps of the messages it stored.
    const span = db
      .prepare(
        'select min(created_at) first, max(created_at) last from (select created_at from messages order by id desc limit ?)',
      )
      .get(remaining) as { first: number; last: number };
    console.log(
      `backfill rate of the final run: ${((remaining - 1) / ((span.last - span.first) / 1000)).toFixed(0)} msg/s ` +
        `(${remaining} messages committed over ${span.last - span.first} ms)`,
    );
    const one = <T>(q: string, ...args: unknown[]) => db.prepare(q).get(...args) as T;
    const all = <T>(q: string, ...args: unknown[]) => db.prepare(q).all(...args) as T[];

    expect(one<{ n: number }>('select count(*) n from messages').n).toBe(TOTAL);
    expect(one<{ n: number }>('select count(distinct message_id) n from messages').n).toBe(TOTAL);
    expect(one<{ n: number }>('select count(*) n from message_locations').n).toBe(TOTAL);
    expect(
      all(
        'select mailbox_id, uidvalidity, uid, count(*) c from message_locations group by 1, 2, 3 having c > 1',
      ),
    ).toEqual([]);
    // Every appended Message-ID is there exactly once, and nothing else is.
    const stored = all<{ messageId: string; c: number }>(
      'select message_id messageId, count(*) c from messages group by 1',
    );
    const byId = new Map(stored.map((r) => [r.messageId, r.c]));
    for (const e of corpus) expect(byId.get(e.messageId), e.messageId).toBe(1);
    expect(byId.size).toBe(TOTAL);
    // Locations cover exactly the appended UIDs under the one UIDVALIDITY.
    const locUids = all<{ uid: number }>('select uid from message_locations order by uid').map((r) => r.uid);
    expect(locUids).toEqual(uids);
    const mb = one<{ lastUid: number }>('select last_uid lastUid from mailboxes');
    expect(mb.lastUid).toBe(TOTAL);

    // One notification per message: a crash must not have left an event without its message or vice versa.
    expect(one<{ n: number }>("select count(*) n from events where type = 'message.created'").n).toBe(TOTAL);
    expect(
      one<{ n: number }>(
        "select count(distinct json_extract(payload, '$.message.id')) n from events where type = 'message.created'",
      ).n,
    ).toBe(TOTAL);

    // Threading survived the restarts: each reply sits in its parent's (surviving) thread, and the
    // per-thread counters add up.
    const threadOf = new Map(
      all<{ messageId: string; threadId: number }>(
        'select message_id messageId, thread_id threadId from messages',
      ).map((r) => [r.messageId, r.threadId]),
    );
    const merged = new Map(
      all<{ id: number; into: number | null }>('select id, merged_into "into" from threads').map((r) => [
        r.id,
        r.into,
      ]),
    );
    const live = (id: number): number => {
      let cur = id;
      for (let hops = 0; merged.get(cur) && hops < 100; hops++) cur = merged.get(cur)!;
      return cur;
    };
    let replies = 0;
    for (const e of corpus) {
      if (e.parent === null) continue;
      replies++;
      expect(live(threadOf.get(e.messageId)!), e.messageId).toBe(
        live(threadOf.get(corpus[e.parent]!.messageId)!),
      );
    }
    expect(replies).toBeGreaterThan(50);
    const mismatched = all(
      `select t.id, t.message_count, (select count(*) from messages m where m.thread_id = t.id) actual
         from threads t where t.merged_into is null and t.message_count != (select count(*) from messages m where m.thread_id = t.id)`,
    );
    expect(mismatched).toEqual([]);
    expect(
      all(
        'select id from messages where thread_id in (select id from threads where merged_into is not null)',
      ),
    ).toEqual([]);
  });
});
