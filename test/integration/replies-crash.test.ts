/**
 * O-02 with a real process: the server is SIGKILLed after Postfix accepted a reply and before its 250
 * reached Newsdesk (a relay in this file holds the answer back), so the row is left in 'sending'. The
 * mail stack files what the newsdesk sends in its Sent folder, as Gmail and Microsoft 365 do; on
 * restart Newsdesk finds the reply there and marks it sent: one delivery, one copy in Sent.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { readRawHeaders } from '../../server/mail/parse.ts';
import { TEST_ADMIN } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';
import { sendMail } from '../support/send-mail.ts';
import { freePort, spawnServer, tailFile, type ServerChild } from '../support/server-child.ts';

const available = mailStackAvailable();
if (!available.ok) console.warn(available.reason);

const NEWSDESK = 'newsdesk@newsdesk.test';
const SAM = { name: 'Sam', address: 'sam@press.test' };

/** A relay to Postfix that, while holding, forwards the message but swallows the server's answer to it. */
async function holdingRelay(target: number) {
  let holding = false;
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
      if (holding && dataEnded) return;
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
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function folder(stack: MailStack, user: string, password: string, name: string): Promise<Buffer[]> {
  const client = new ImapFlow({
    host: stack.host,
    port: stack.imapPort,
    secure: false,
    auth: { user, pass: password },
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(name, { readOnly: true });
    try {
      const status = await client.status(name, { messages: true });
      if (!status || !status.messages) return [];
      const out: Buffer[] = [];
      for await (const msg of client.fetch('1:*', { source: true })) if (msg.source) out.push(msg.source);
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

describe.skipIf(!available.ok)(
  'O-02: SIGKILL between the SMTP 250 and the state update (real process)',
  () => {
    let stack: MailStack;
    let relay: Awaited<ReturnType<typeof holdingRelay>>;
    let dir: string;
    let server: ServerChild | null = null;

    beforeAll(async () => {
      stack = await startMailStack({
        extraDomains: ['press.test'],
        fileSentFor: NEWSDESK,
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

    it('finds the reply in Sent after the restart: one delivery, one Sent copy, no resend', async () => {
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

        // Postfix has it (delivered to Sam), Newsdesk is still waiting for the 250: kill it now.
        await stack.waitForDelivery(SAM.address, 1);
        expect(
          (db.prepare('select state from outbox where id = ?').get(replyId) as { state: string }).state,
        ).toBe('sending');
        await server.kill();
        server = null;

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
          .prepare('select smtp_response r, sent_copy c, attempts a from outbox where id = ?')
          .get(replyId);
        expect(row).toEqual({ r: 'found in Sent after a restart', c: 'appended', a: 1 });
        const thread = db.prepare('select status from threads where id = ?').get(threadId) as {
          status: string;
        };
        expect(thread.status).toBe('answered');

        // Give a wrong resend time to land before counting.
        await new Promise((r) => setTimeout(r, 1_000));
        const ours = (raws: Buffer[]) =>
          raws.filter((raw) => readRawHeaders(raw).get('message-id')?.[0] === `<${messageId}>`);
        expect(ours(await folder(stack, SAM.address, 'sam-pass', 'INBOX'))).toHaveLength(1);
        expect(ours(await folder(stack, NEWSDESK, 'newsdesk-pass', 'Sent'))).toHaveLength(1);
      } finally {
        db.close();
      }
    });
  },
);
