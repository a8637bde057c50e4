/**
 * O-02 with a real process: the server is SIGKILLed after Postfix accepted a reply and before its 250
 * reached Newsdesk (a relay in this file holds the answer back), so the row is left in 'sending'.
 * - With the self-copy (the default) and a provider that files nothing in Sent: the copy Postfix
 *   delivered to the newsdesk's own inbox in the same transaction shows the reply was sent.
 * - With the self-copy off and a provider that files what the newsdesk sends in Sent (as Gmail and
 *   Microsoft 365 do): Newsdesk finds the reply there.
 * Either way: one delivery, one copy in Sent, the reply 'sent' and the thread answered.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { readRawHeaders } from '../../server/mail/parse.ts';
import { TEST_ADMIN } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';
import { folderSources, sendMail } from '../support/send-mail.ts';
import { freePort, spawnServer, tailFile, type ServerChild } from '../support/server-child.ts';

const available = mailStackAvailable();
if (!available.ok) console.warn(available.reason);

const NEWSDESK = 'newsdesk@newsdesk.test';
const SAM = { name: 'Sam', address: 'sam@press.test' };

/** A relay to Postfix that, while holding, forwards the message but swallows the server's answer to it. */
async function holdingRelay(target: number) {
  let holding = false;
  let onSwallowed: () => void = () => undefined;
  let swallowed = new Promise<void>((resolve) => (onSwallowed = resolve));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    sockets.add(client).add(upstream);
    let tail = '';
    let dataEnded = false;
    client.on('data', (chunk) => {
      tail = (tail + chunk.toString('latin1')).slice(-5);
      if (tail === '\r\n.\r\n') dataEnded = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      // After the final dot the server's 250 is what tells the client it was delivered.
      if (holding && dataEnded) {
        onSwallowed();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hold(on: boolean) {
      holding = on;
      if (on) swallowed = new Promise<void>((resolve) => (onSwallowed = resolve));
    },
    /** Resolves when the server answered the end of a message and the answer was held back. */
    answerHeld: () => swallowed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const CASES = [
  { name: 'self-copy on, nothing filed in Sent by the provider', selfCopy: true },
  { name: 'self-copy off, the provider files sent mail in Sent', selfCopy: false },
];

describe.skipIf(!available.ok).each(CASES)(
  'O-02: SIGKILL between the SMTP 250 and the state update (real process): $name',
  ({ selfCopy }) => {
    let stack: MailStack;
    let relay: Awaited<ReturnType<typeof holdingRelay>>;
    let dir: string;
    let server: ServerChild | null = null;

    beforeAll(async () => {
      stack = await startMailStack({
        extraDomains: ['press.test'],
        ...(selfCopy ? {} : { fileSentFor: NEWSDESK }),
        users: [
          { user: NEWSDESK, password: 'newsdesk-pass' },
          { user: SAM.address, password: 'sam-pass' },
        ],
      });
      relay = await holdingRelay(stack.smtpPort);
      dir = fs.mkdtempSync(join(tmpdir(), 'newsdesk-reply-crash-'));
    });

    afterAll(async () => {
      await server?.kill();
      await relay?.close();
      await stack?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function start(): Promise<ServerChild> {
      const child = spawnServer(
        {
          NEWSDESK_DB: join(dir, 'newsdesk.db'),
          NEWSDESK_IMAP_URL: stack.imapUrl(NEWSDESK),
          NEWSDESK_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
          NEWSDESK_ADDRESS: NEWSDESK,
          NEWSDESK_UNDO_SECONDS: '0',
          NEWSDESK_VERIFY_SENDERS: 'false',
          NEWSDESK_LOG_LEVEL: 'warn',
          NEWSDESK_ADMIN_EMAIL: TEST_ADMIN.email,
          NEWSDESK_ADMIN_PASSWORD: TEST_ADMIN.password,
          NEWSDESK_SELF_COPY: String(selfCopy),
        },
        join(dir, 'server.log'),
        await freePort(),
      );
      await pollUntil(async () => (await fetch(`${child.url}/api/health`)).ok, {
        what: 'the server to listen',
        timeoutMs: 20_000,
      }).catch((err: Error) => {
        throw new Error(`${err.message}\n${tailFile(join(dir, 'server.log'))}`);
      });
      return child;
    }

    async function signIn(child: ServerChild): Promise<string> {
      const res = await fetch(`${child.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(TEST_ADMIN),
      });
      return res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    }

    it('one delivery, one Sent copy, no resend; the reply is sent', async () => {
      server = await start();
      const cookie = await signIn(server);
      const enquiry = composeRawMessage({
        from: SAM,
        to: NEWSDESK,
        subject: 'Budget figures',
        text: 'Are they final?',
      });
      await sendMail(stack, enquiry.raw, { from: SAM.address, to: NEWSDESK });
      const db = new Database(join(dir, 'newsdesk.db'), { readonly: true });
      try {
        const threadId = await pollUntil(
          () =>
            (
              db.prepare('select thread_id t from messages where message_id = ?').get(enquiry.messageId) as
                { t: number } | undefined
            )?.t,
          { what: 'the enquiry to be ingested' },
        );

        relay.hold(true);
        const res = await fetch(`${server.url}/api/threads/${threadId}/replies`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json', 'idempotency-key': 'crash-1' },
          body: JSON.stringify({ text: 'Yes, they are final.' }),
        });
        expect(res.status).toBe(202);
        const replyId = ((await res.json()) as { reply: { id: number } }).reply.id;
        const messageId = (
          db.prepare('select message_id m from outbox where id = ?').get(replyId) as { m: string }
        ).m;

        // Postfix has it, Newsdesk is still waiting for the 250: kill it now, before the self-copy
        // could come back and settle it while the process lives.
        await relay.answerHeld();
        await server.kill();
        server = null;
        expect(
          (db.prepare('select state from outbox where id = ?').get(replyId) as { state: string }).state,
        ).toBe('sending');
        await stack.waitForDelivery(SAM.address, 1);

        relay.hold(false);
        server = await start();
        await pollUntil(
          () =>
            (db.prepare('select state from outbox where id = ?').get(replyId) as { state: string }).state ===
            'sent',
          { what: 'the interrupted reply to be settled', timeoutMs: 20_000 },
          () => JSON.stringify(db.prepare('select * from outbox where id = ?').get(replyId)),
        );
        const row = db
          .prepare('select smtp_response r, attempts a, last_error e from outbox where id = ?')
          .get(replyId) as { r: string; a: number; e: string | null };
        expect(row.a).toBe(1);
        expect(row.e).toBeNull();
        // The worker's search or the ingest of the copy, whichever comes first after the restart.
        if (selfCopy)
          expect(['found in the inbox after a restart', 'its copy arrived in the newsdesk inbox']).toContain(
            row.r,
          );
        else expect(row.r).toBe('found in Sent after a restart');
        await pollUntil(
          () =>
            (db.prepare('select sent_copy c from outbox where id = ?').get(replyId) as { c: string }).c ===
            'appended',
          { what: 'the Sent copy to be filed' },
        );
        const thread = db.prepare('select status from threads where id = ?').get(threadId) as {
          status: string;
        };
        expect(thread.status).toBe('answered');
        // The thread as officers see it after the restart: the reply sent, once, with no warning.
        const detail = (await (
          await fetch(`${server.url}/api/threads/${threadId}`, { headers: { cookie: await signIn(server) } })
        ).json()) as {
          messages: { direction: string; reply?: { state: string; lastError: string | null } }[];
        };
        const out = detail.messages.filter((m) => m.direction === 'out');
        expect(out).toHaveLength(1);
        expect(out[0]!.reply).toMatchObject({ state: 'sent', lastError: null });

        // Give a wrong resend time to land before counting.
        await new Promise((r) => setTimeout(r, 1_000));
        const ours = (raws: Buffer[]) =>
          raws.filter((raw) => readRawHeaders(raw).get('message-id')?.[0] === `<${messageId}>`);
        expect(ours(await folderSources(stack, SAM.address, 'INBOX'))).toHaveLength(1);
        expect(ours(await folderSources(stack, NEWSDESK, 'Sent'))).toHaveLength(1);
        // The self-copy (or none, when off) is all the newsdesk's inbox got of it.
        expect(ours(await folderSources(stack, NEWSDESK, 'INBOX'))).toHaveLength(selfCopy ? 1 : 0);
        // The journalist sees no sign of it: the newsdesk is in the envelope only.
        const [delivered] = ours(await folderSources(stack, SAM.address, 'INBOX'));
        const headers = readRawHeaders(delivered!);
        for (const name of ['to', 'cc', 'bcc'])
          expect((headers.get(name) ?? []).join(' ')).not.toContain(NEWSDESK);
      } finally {
        db.close();
      }
    });
  },
);
