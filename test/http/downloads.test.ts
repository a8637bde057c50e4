import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../server/routes/messages/index.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const boundary = 'b0undary';
const raw = [
  'From: Ann <ann@paper.test>',
  'To: newsdesk@newsdesk.test',
  'Subject: Files',
  'Message-ID: <files@paper.test>',
  'MIME-Version: 1.0',
  `Content-Type: multipart/mixed; boundary="${boundary}"`,
  '',
  `--${boundary}`,
  'Content-Type: text/plain; charset=utf-8',
  '',
  'See attached.',
  `--${boundary}`,
  'Content-Type: text/html; name="evil.html"',
  'Content-Disposition: attachment; filename="a\\"; filename=evil.html"',
  '',
  '<script>alert(1)</script>',
  `--${boundary}`,
  'Content-Type: application/pdf; name="=?UTF-8?B?2KjZitin2YYucGRm?="',
  'Content-Disposition: attachment; filename="=?UTF-8?B?2KjZitin2YYucGRm?="',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('%PDF-1.4 fake').toString('base64'),
  `--${boundary}--`,
  '',
].join('\r\n');

describe('downloads', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
    await t.ingestRaw(raw);
  });
  afterAll(async () => t.close());

  it('serves the original message byte for byte, as a download, to staff only', async () => {
    const threadId = (await t.app.inject({ url: '/api/threads', headers: { cookie } })).json().threads[0].id;
    const message = (await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie } })).json()
      .messages[0];
    expect((await t.app.inject({ url: `/api/messages/${message.id}/raw` })).statusCode).toBe(401);
    const response = await t.app.inject({ url: `/api/messages/${message.id}/raw`, headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(Buffer.from(raw))).toBe(true);
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('never serves an attachment as a page, and names it safely', async () => {
    const threadId = (await t.app.inject({ url: '/api/threads', headers: { cookie } })).json().threads[0].id;
    const [message] = (await t.app.inject({ url: `/api/threads/${threadId}`, headers: { cookie } })).json()
      .messages;
    expect(message.attachments).toHaveLength(2);
    for (const file of message.attachments) {
      const response = await t.app.inject({ url: `/api/attachments/${file.id}`, headers: { cookie } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).not.toMatch(/html/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      // Exactly one quoted filename and one encoded filename*: nothing a name could inject.
      expect(String(response.headers['content-disposition'])).toMatch(
        /^attachment; filename="[^"]*"; filename\*=UTF-8''[^\s;"]*$/,
      );
    }
    expect((await t.app.inject({ url: '/api/attachments/9999', headers: { cookie } })).statusCode).toBe(404);
  });

  it('builds Content-Disposition that survives quotes, CR/LF, paths, bidi controls and Arabic names', () => {
    expect(attachmentDisposition('a"; filename=evil.html')).toBe(
      `attachment; filename="a__ filename=evil.html"; filename*=UTF-8''a%22%3B%20filename%3Devil.html`,
    );
    expect(attachmentDisposition('x\r\nSet-Cookie: y')).not.toMatch(/[\r\n]/);
    expect(attachmentDisposition('../../etc/passwd')).toMatch(/filename="....etcpasswd"/);
    expect(attachmentDisposition('invoice\u202Efdp.exe')).toContain('filename="invoicefdp.exe"');
    expect(attachmentDisposition('بيان.pdf')).toBe(
      `attachment; filename="____.pdf"; filename*=UTF-8''${encodeURIComponent('بيان.pdf')}`,
    );
  });
});
