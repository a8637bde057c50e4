import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';
import { sendMail } from '../support/send-mail.ts';
import { openEventSocket } from '../support/ws-client.ts';

const available = mailStackAvailable();
if (!available.ok) console.warn(available.reason);

type ThreadEvent = {
  thread: {
    id: number;
    release: { id: number; title: string } | null;
    match: { confidence: number; reason: string } | null;
  };
};

// Our own small catalogue, English only: the enquiry below is in Arabic and shares no words with it.
const catalogue = [
  {
    url: 'https://example.gov/news/coalition-brussels',
    title: 'Coalition ministers meet in Brussels to step up stabilisation in Iraq',
    language: 'en',
    published_at: '2026-11-24T10:00:00Z',
    body: 'Ministers of the Global Coalition met in Brussels on 23 November. The United Kingdom pledged £12 million for stabilisation in Mosul and Ramadi. The Foreign Secretary met Prime Minister Haider al-Abadi.',
  },
  {
    url: 'https://example.gov/news/flood-aid',
    title: 'UK announces flood relief for Pakistan',
    language: 'en',
    published_at: '2026-11-20T10:00:00Z',
    body: 'The UK will provide £5 million in flood relief to Pakistan, the International Development Secretary said in Islamabad.',
  },
  {
    url: 'https://example.gov/news/visa-waiver',
    title: 'Electronic visa waiver extended to Kuwaiti nationals',
    language: 'en',
    published_at: '2026-11-22T10:00:00Z',
    body: 'Kuwaiti nationals can now apply online for an electronic visa waiver before travelling to the UK.',
  },
];

describe.skipIf(!available.ok)('release linking, live over IMAP', () => {
  let stack: MailStack;
  let t: TestApp;
  let cookie: string;
  const newsdesk = 'newsdesk@newsdesk.test';
  const samira = { name: 'سميرة', address: 'samira@alwatan.example' };

  beforeAll(async () => {
    stack = await startMailStack();
    t = await startTestApp({ env: { NEWSDESK_IMAP_URL: stack.imapUrl(newsdesk) } });
    cookie = await t.login();
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: catalogue,
    });
    expect(imported.json()).toMatchObject({ created: 3 });
    await pollUntil(
      async () => (await t.app.inject({ url: '/api/health' })).json().mailboxes[0]?.state === 'idle',
      { timeoutMs: 10_000 },
    );
  });
  afterAll(async () => {
    await t?.close();
    await stack?.stop();
  });

  it('links an Arabic enquiry to the English release, with a readable reason, in the thread.created event', async () => {
    const events = await openEventSocket(t.url, cookie);
    try {
      const mail = composeRawMessage({
        from: samira,
        to: newsdesk,
        subject: 'استفسار عن اجتماع التحالف في بروكسل',
        charset: 'windows-1256',
        date: new Date('2026-11-25T09:00:00Z'),
        text: 'تحية طيبة، أود الاستفسار عن تعهد المملكة المتحدة بمبلغ 12 مليون جنيه لتحقيق الاستقرار في الموصل والرمادي بعد اجتماع بروكسل. هل التقى وزير الخارجية بحيدر العبادي؟',
      });
      await sendMail(stack, mail.raw);
      const created = (await events.waitFor((m) => m.type === 'thread.created')) as unknown as ThreadEvent;
      expect(created.thread.release?.title).toBe(catalogue[0]!.title);
      expect(created.thread.match!.confidence).toBeGreaterThanOrEqual(0.5);
      expect(created.thread.match!.reason).toMatch(/بروكسل|Brussels/);

      const releases = (await t.app.inject({ url: '/api/releases', headers: { cookie } })).json().releases;
      const linked = releases.find((r: { url: string }) => r.url === catalogue[0]!.url);
      expect(linked.enquiries).toEqual({ open: 1, total: 1 });

      // Staff disagree and unlink it: everyone sees it live, and later mail does not undo it.
      const unlink = await t.app.inject({
        method: 'PUT',
        url: `/api/threads/${created.thread.id}/release`,
        headers: { cookie },
        payload: { releaseId: null },
      });
      expect(unlink.json().release).toBeNull();
      await events.waitFor(
        (m) => m.type === 'thread.updated' && (m as unknown as ThreadEvent).thread.release === null,
      );
      const again = composeRawMessage({
        from: samira,
        to: newsdesk,
        subject: 'رد: استفسار عن اجتماع التحالف في بروكسل',
        text: 'بخصوص اجتماع بروكسل وتعهد 12 مليون جنيه للموصل.',
        inReplyTo: mail.messageId,
      });
      await sendMail(stack, again.raw);
      await events.waitFor(
        (m) =>
          m.type === 'message.created' &&
          (m as unknown as { message: { messageId: string } }).message.messageId === again.messageId,
      );
      const detail = (
        await t.app.inject({ url: `/api/threads/${created.thread.id}`, headers: { cookie } })
      ).json();
      expect(detail.messages).toHaveLength(2);
      expect(detail.thread.release).toBeNull();
    } finally {
      events.close();
    }
  });
});
