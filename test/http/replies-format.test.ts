import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

const enquiry = [
  'From: Layla <layla@paper.test>',
  'To: newsdesk@newsdesk.test',
  'Subject: أرقام',
  'Message-ID: <fmt-q1@paper.test>',
  'Date: Mon, 16 Nov 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'ما هي **الأرقام**؟ <b>not bold</b>',
  '',
].join('\r\n');

describe('replies with simple formatting', () => {
  let t: TestApp;
  let cookie: string;
  let threadId: number;
  let n = 0;

  const post = (payload: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/replies`,
      headers: { cookie, 'idempotency-key': `fmt-${++n}` },
      payload,
    });

  /** The stored out message of a reply and its exact bytes, parsed. */
  async function stored(replyId: number) {
    const row = t.db.$client
      .prepare(
        `select m.text, m.html, b.data from outbox o join messages m on m.id = o.message_row_id
         join blobs b on b.sha256 = o.raw_sha256 where o.id = ?`,
      )
      .get(replyId) as { text: string; html: string | null; data: Buffer };
    return { ...row, raw: row.data.toString('utf8'), parsed: await PostalMime.parse(row.data) };
  }

  beforeAll(async () => {
    t = await startTestApp({
      listen: false,
      env: { NEWSDESK_SMTP_URL: 'smtp://127.0.0.1:9', NEWSDESK_UNDO_SECONDS: '3600' },
    });
    cookie = await t.login();
    await t.ingestRaw(enquiry);
    threadId = (t.db.$client.prepare('select thread_id t from messages').get() as { t: number }).t;
  });
  afterAll(async () => t.close());

  it("a 'simple' reply is stored as multipart/alternative with the generated HTML and the text without markers", async () => {
    const res = await post({
      text: 'شكراً **لسؤالك**:\n- الرقم _الأول_\n- see https://gov.test/a**b**\n\nThanks, **Amal**',
      format: 'simple',
      quote: true,
    });
    expect(res.statusCode).toBe(202);
    const { text, html, raw, parsed } = await stored(res.json().reply.id);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).not.toMatch(/^Content-Type: multipart\/mixed/m);
    expect(parsed.html?.trimEnd()).toBe(html);
    expect(html).toContain('<p dir="auto">شكراً <strong>لسؤالك</strong>:</p>');
    expect(html).toContain('<ul dir="auto">\n<li>الرقم <em>الأول</em></li>');
    expect(html).toContain('<a href="https://gov.test/a**b**">https://gov.test/a**b**</a>');
    expect(html).toContain('<p dir="auto">Thanks, <strong>Amal</strong></p>');
    // The journalist's words are quoted, escaped and never formatted.
    expect(html).toContain(
      '<blockquote dir="auto">ما هي **الأرقام**؟ &lt;b&gt;not bold&lt;/b&gt;</blockquote>',
    );
    expect(html).not.toContain('<b>');
    expect(parsed.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(text.trimEnd());
    expect(text).toMatch(
      /^شكراً لسؤالك:\n- الرقم الأول\n- see https:\/\/gov\.test\/a\*\*b\*\*\n\nThanks, Amal\n\nOn .+, Layla <layla@paper\.test> wrote:\n> ما هي \*\*الأرقام\*\*؟ <b>not bold<\/b>\n$/,
    );
    const detail = (await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie } })).json();
    const out = detail.messages.find((m: { direction: string }) => m.direction === 'out');
    expect(out).toMatchObject({ hasHtml: true, text });
    // The thread shows the stored HTML through the sanitised page, formatting and directions kept.
    const page = await t.app.inject({ url: `/api/messages/${out.id}/html`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<strong>لسؤالك</strong>');
    expect(page.body).toMatch(/<ul dir="auto">/);
  });

  it("'plain' (and no format) sends the text alone, exactly as typed", async () => {
    for (const format of ['plain', undefined]) {
      const res = await post({ text: 'Just **text** here', ...(format ? { format } : {}) });
      expect(res.statusCode).toBe(202);
      const { text, html, raw, parsed } = await stored(res.json().reply.id);
      expect(html).toBeNull();
      expect(text).toBe('Just **text** here\n');
      expect(raw).toMatch(/^Content-Type: text\/plain/m);
      expect(raw).not.toMatch(/multipart|text\/html/);
      expect(parsed.html).toBeUndefined();
    }
  });

  it('there is no raw HTML path: a body with html is refused with a clear 400 and nothing is stored', async () => {
    const before = t.db.$client.prepare('select count(*) c from outbox').get() as { c: number };
    for (const html of ['<script>alert(1)</script>', '', null]) {
      const res = await post({ text: 'x', html });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('html_not_accepted');
      expect(res.json().error.message).toMatch(/format "simple"/);
    }
    expect((await post({ text: 'x', format: 'rich' })).statusCode).toBe(400);
    expect(t.db.$client.prepare('select count(*) c from outbox').get()).toEqual(before);
  });

  it('a retried POST returns the first reply; the stored bytes do not change', async () => {
    const payload = { text: '**Once**', format: 'simple' };
    const headers = { cookie, 'idempotency-key': 'fmt-same' };
    const url = `/api/threads/${threadId}/replies`;
    const a = await t.app.inject({ method: 'POST', url, headers, payload });
    const first = await stored(a.json().reply.id);
    const b = await t.app.inject({ method: 'POST', url, headers, payload });
    expect([a.statusCode, b.statusCode]).toEqual([202, 200]);
    expect(b.json().reply.id).toBe(a.json().reply.id);
    expect((await stored(b.json().reply.id)).raw).toBe(first.raw);
  });
});
