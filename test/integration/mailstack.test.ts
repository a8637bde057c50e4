import * as fs from 'node:fs';
import * as net from 'node:net';
import { ImapFlow } from 'imapflow';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mailStackAvailable, processRunning, startMailStack, type MailStack } from '../support/mailstack.ts';
import { appendMessages, sendMail } from '../support/send-mail.ts';

const available = mailStackAvailable().ok;
const USER = 'newsdesk@newsdesk.test';

/** Encodes text as windows-1256 by inverting the platform decoder (Node has no legacy encoders). */
function encodeWindows1256(text: string): Buffer {
  const decoder = new TextDecoder('windows-1256');
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from(
    [...text].map((ch) => {
      const b = table.get(ch);
      if (b === undefined) throw new Error(`not in windows-1256: ${ch}`);
      return b;
    }),
  );
}

function connect(stack: MailStack): Promise<ImapFlow> {
  const url = new URL(stack.imapUrl());
  const client = new ImapFlow({
    host: stack.host,
    port: stack.imapPort,
    secure: false,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false,
  });
  return client.connect().then(() => client);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function readPid(file: string): number {
  return Number(fs.readFileSync(file, 'utf8').trim());
}

describe.skipIf(!available)('mail stack (Postfix → LMTP → Dovecot)', () => {
  let stack: MailStack;

  beforeAll(async () => {
    const t0 = performance.now();
    stack = await startMailStack();
    console.log(
      `mail stack cold start: ${(performance.now() - t0).toFixed(0)} ms (IMAP ${stack.imapPort}, SMTP ${stack.smtpPort})`,
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('delivers an Arabic windows-1256 message with an RFC 2047 subject byte for byte', async () => {
    const subject = 'طلب مقابلة مع المتحدث الرسمي';
    const body = encodeWindows1256('مرحباً، أود إجراء مقابلة بخصوص البيان الصحفي.\r\nمع التحية\r\n');
    const name = Buffer.from('مراسلة الجريدة', 'utf8').toString('base64');
    const head = [
      `From: =?UTF-8?B?${name}?= <reporter@example.test>`,
      `To: Newsdesk <${USER}>`,
      `Subject: =?windows-1256?B?${encodeWindows1256(subject).toString('base64')}?=`,
      'Date: Sat, 29 Nov 2025 09:00:00 +0300',
      'Message-ID: <arabic-1256@example.test>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=windows-1256',
      'Content-Transfer-Encoding: 8bit',
    ].join('\r\n');
    const raw = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]);

    const info = await sendMail(stack, raw);
    expect(info.accepted).toEqual([USER]);
    await stack.waitForDelivery(USER, 1);

    const client = await connect(stack);
    try {
      await client.mailboxOpen('INBOX');
      const uids = await client.search(
        { header: { 'message-id': '<arabic-1256@example.test>' } },
        { uid: true },
      );
      expect(uids).toHaveLength(1);
      const msg = await client.fetchOne(
        String(uids && uids[0]),
        { source: true, envelope: true },
        { uid: true },
      );
      if (!msg || !msg.source) throw new Error('message not fetched');
      expect(msg.source.indexOf(body)).toBeGreaterThan(0);
      expect(msg.source.toString('latin1')).toContain(`Subject: =?windows-1256?B?`);
      expect(msg.envelope?.subject).toBe(subject);
      expect(msg.envelope?.from?.[0]?.name).toBe('مراسلة الجريدة');
      expect(new TextDecoder('windows-1256').decode(body)).toContain('البيان الصحفي');
    } finally {
      await client.logout();
    }
  });

  it('offers SPECIAL-USE Sent, Drafts and Trash', async () => {
    const client = await connect(stack);
    try {
      const list = await client.list();
      const byUse = new Map(list.filter((m) => m.specialUse).map((m) => [m.specialUse, m.path]));
      expect(byUse.get('\\Sent')).toBe('Sent');
      expect(byUse.get('\\Drafts')).toBe('Drafts');
      expect(byUse.get('\\Trash')).toBe('Trash');
      expect(list.find((m) => m.path === 'Sent')?.subscribed).toBe(true);
    } finally {
      await client.logout();
    }
  });

  it('queues mail while Dovecot is down and delivers it after a restart', { timeout: 30_000 }, async () => {
    const count = async (): Promise<number> =>
      Number(
        /messages=(\d+)/.exec(
          await stack.doveadm(['mailbox', 'status', '-u', USER, 'messages', 'INBOX']),
        )?.[1],
      );
    const before = await count();
    const imapPort = stack.imapPort;

    // First round: Postfix's own retry (1 s minimal backoff); second round: startDovecot()'s queue flush.
    for (const flush of [false, true]) {
      await stack.stopDovecot();
      expect(await accepts(stack.imapPort)).toBe(false);
      const info = await sendMail(stack, {
        from: 'reporter@example.test',
        to: USER,
        subject: `Sent while Dovecot was down (flush ${flush})`,
        text: 'queued by Postfix',
      });
      expect(info.accepted).toEqual([USER]);
      // Let Postfix try LMTP, fail and defer, so the restart exercises redelivery.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const t0 = performance.now();
      await stack.startDovecot({ flush });
      expect(stack.imapPort).toBe(imapPort);
      await stack.waitForDelivery(USER, before + (flush ? 2 : 1), 20_000);
      console.log(
        `deferred mail delivered ${(performance.now() - t0).toFixed(0)} ms after Dovecot restart (flush: ${flush})`,
      );
    }

    const client = await connect(stack);
    try {
      const status = await client.status('INBOX', { messages: true });
      expect(status && status.messages).toBe(before + 2);
    } finally {
      await client.logout();
    }
  });

  it('APPENDs many messages over one connection', async () => {
    const raws = Array.from({ length: 200 }, (_, i) =>
      Buffer.from(`From: a@example.test\r\nTo: ${USER}\r\nSubject: backfill ${i}\r\n\r\nbody ${i}\r\n`),
    );
    const t0 = performance.now();
    const uids = await appendMessages(stack, USER, raws, 'Archive');
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `APPEND: ${raws.length} messages in ${(secs * 1000).toFixed(0)} ms (${(raws.length / secs).toFixed(0)} msg/s)`,
    );
    expect(uids).toHaveLength(200);
    expect(new Set(uids).size).toBe(200);
  });

  it('stop() leaves no process, port or directory behind', async () => {
    const dovecotPid = readPid(`${stack.dir}/run/master.pid`);
    const postfixPid = readPid(`${stack.dir}/spool/pid/master.pid`);
    expect(processRunning(dovecotPid)).toBe(true);
    expect(processRunning(postfixPid)).toBe(true);

    const t0 = performance.now();
    await stack.stop();
    console.log(`mail stack teardown: ${(performance.now() - t0).toFixed(0)} ms`);

    for (const pid of [dovecotPid, postfixPid]) {
      expect(processRunning(pid)).toBe(false);
      // Both masters lead their own process group; no member may survive them.
      const members = fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
            const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
            return fields[0] !== 'Z' && Number(fields[2]) === pid;
          } catch {
            return false;
          }
        });
      expect(members).toEqual([]);
    }
    expect(fs.existsSync(stack.dir)).toBe(false);
    expect(await accepts(stack.imapPort)).toBe(false);
    expect(await accepts(stack.smtpPort)).toBe(false);
  });
});
