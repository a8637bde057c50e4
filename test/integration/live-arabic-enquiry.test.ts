import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { sendMail } from '../support/send-mail.ts';
import { openEventSocket } from '../support/ws-client.ts';

const available = mailStackAvailable();
if (!available.ok) console.warn(available.reason);

type ThreadEvent = {
  type: string;
  thread: { id: number; subject: string; messageCount: number; correspondent: { email: string } };
};

describe.skipIf(!available.ok)('live enquiries over a real Postfix → Dovecot → IMAP IDLE path', () => {
  let stack: MailStack;
  let t: TestApp;
  let cookie: string;
  const newsdesk = 'newsdesk@newsdesk.test';
  const layla = { name: 'ليلى منصور', address: 'layla@alkhabar.example' };
  const subject = 'استفسار حول اجتماع بروكسل';

  beforeAll(async () => {
    stack = await startMailStack();
    t = await startTestApp({ env: { NEWSDESK_IMAP_URL: stack.imapUrl(newsdesk) } });
    cookie = await t.login();
    // Wait until the supervisor idles: from then on only IDLE can tell it about new mail.
    const deadline = Date.now() + 10_000;
    while ((await t.app.inject({ url: '/api/health' })).json().mailboxes[0]?.state !== 'idle') {
      if (Date.now() > deadline) throw new Error('mailbox never reached idle');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await t?.close();
    await stack?.stop();
  });

  let firstId = '';
  let threadId = 0;

  it('an Arabic windows-1256 enquiry arrives as thread.created over the websocket and in the API', async () => {
    const events = await openEventSocket(t.url, cookie);
    try {
      const mail = composeRawMessage({
        from: layla,
        to: newsdesk,
        subject,
        charset: 'windows-1256',
        text: 'هل يمكن ترتيب مقابلة مع المتحدث باسم الوزارة؟\nالموعد النهائي: الساعة الخامسة مساء اليوم.',
      });
      firstId = mail.messageId;
      // Checked on the wire: the body really is windows-1256 and the subject RFC 2047-encoded.
      expect(mail.raw.toString('latin1')).toMatch(/charset=windows-1256/);
      expect(mail.raw.toString('latin1')).toMatch(/Subject: =\?UTF-8\?B\?/);
      await sendMail(stack, mail.raw);

      const created = (await events.waitFor((m) => m.type === 'thread.created')) as unknown as ThreadEvent;
      expect(created.thread.subject).toBe(subject);
      expect(created.thread.correspondent.email).toBe(layla.address);
      threadId = created.thread.id;

      const list = (await t.app.inject({ url: '/api/threads', headers: { cookie } })).json();
      expect(list.threads.map((x: { id: number }) => x.id)).toContain(threadId);
      const detail = (await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie } })).json();
      expect(detail.messages[0].text).toContain('هل يمكن ترتيب مقابلة');
      expect(detail.messages[0].from).toEqual({ name: layla.name, email: layla.address });
    } finally {
      events.close();
    }
  });

  it('her follow-up with In-Reply-To joins the same thread', async () => {
    const events = await openEventSocket(t.url, cookie);
    try {
      const reply = composeRawMessage({
        from: layla,
        to: newsdesk,
        subject: `رد: ${subject}`,
        text: 'للتذكير، شكرا.',
        inReplyTo: firstId,
        references: [firstId],
      });
      await sendMail(stack, reply.raw);
      const updated = (await events.waitFor((m) => m.type === 'thread.updated')) as unknown as ThreadEvent;
      expect(updated.thread.id).toBe(threadId);
      expect(updated.thread.messageCount).toBe(2);
    } finally {
      events.close();
    }
  });

  it('a follow-up with References stripped but a رد: subject from the same sender joins it too', async () => {
    const events = await openEventSocket(t.url, cookie);
    try {
      const bare = composeRawMessage({
        from: layla,
        to: newsdesk,
        subject: `رد: ${subject}`,
        text: 'هل من جديد؟',
      });
      await sendMail(stack, bare.raw);
      const updated = (await events.waitFor((m) => m.type === 'thread.updated')) as unknown as ThreadEvent;
      expect(updated.thread.id).toBe(threadId);
      expect(updated.thread.messageCount).toBe(3);
      expect(events.received.some((m) => m.type === 'thread.created')).toBe(false);
    } finally {
      events.close();
    }
  });

  it("another journalist's mail with the same subject starts its own thread", async () => {
    const events = await openEventSocket(t.url, cookie);
    try {
      const other = composeRawMessage({
        from: { name: 'Omar', address: 'omar@wire.example' },
        to: newsdesk,
        subject: `رد: ${subject}`,
        text: 'سؤال آخر',
      });
      await sendMail(stack, other.raw);
      const created = (await events.waitFor((m) => m.type === 'thread.created')) as unknown as ThreadEvent;
      expect(created.thread.id).not.toBe(threadId);
      expect(created.thread.correspondent.email).toBe('omar@wire.example');
      const detail = (await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie } })).json();
      expect(detail.messages).toHaveLength(3);
    } finally {
      events.close();
    }
  });
});
