/**
 * The interface's language in real Chromium: before sign-in it follows the browser (an Arabic browser
 * gets the Arabic sign-in page, right to left, and the mailbox banner in Arabic), after sign-in the
 * officer's own choice. A reply the mail server refuses for good shows a banner saying that sending
 * replies is failing, with the server's words, in English and in Arabic; the release link line in the
 * thread header is translated too.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { pollUntil } from '../support/poll-until.ts';

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const UI_MS = 10_000;
const REFUSAL = '550 5.1.1 <sam@paper.test>: Recipient address rejected: User unknown';

/**
 * A mail server that refuses every recipient for good: what a real relay says to an address that
 * does not exist. Enough SMTP for nodemailer to reach RCPT TO.
 */
function refusingSmtpServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    socket.write('220 relay.test ESMTP\r\n');
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 relay.test\r\n');
        else if (verb === 'MAIL') socket.write('250 2.1.0 Ok\r\n');
        else if (verb === 'RCPT') socket.write(`${REFUSAL}\r\n`);
        else if (verb === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
        else socket.write('503 5.5.1 Error: need RCPT command\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    }),
  );
}

const ENQUIRY = [
  'From: Sam Reporter <sam@paper.test>',
  'To: newsdesk@newsdesk.test',
  'Subject: Harbour reopening date',
  'Message-ID: <language-1@paper.test>',
  `Date: ${new Date(Date.now() - 60_000).toUTCString()}`,
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'When does the harbour reopen?',
  '',
].join('\r\n');

const availability = browserAvailable();
if (!availability.ok) console.log(`e2e interface language skipped: ${availability.reason}`);

describe.skipIf(!availability.ok)('interface language in Chromium', () => {
  let app: TestApp;
  let smtp: Server;
  let browser: Browser;
  let cookie: string;
  const problems: string[] = [];

  async function open(locale: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await page.goto(app.url);
    await page.getByTestId('login-form').waitFor();
    return page;
  }

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error('web/dist/index.html is missing: run `npm run build` first');
    const refusing = await refusingSmtpServer();
    smtp = refusing.server;
    app = await startTestApp({
      env: { NEWSDESK_SMTP_URL: `smtp://127.0.0.1:${refusing.port}`, NEWSDESK_UNDO_SECONDS: '0' },
    });
    await app.ingestRaw(ENQUIRY);
    cookie = await app.login();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => smtp?.close(resolve));
  });

  it('an Arabic browser gets the sign-in page in Arabic, right to left; the officer then gets their own choice', async () => {
    const page = await open('ar-EG');
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'ar',
      'rtl',
    ]);
    const form = page.getByTestId('login-form');
    expect(await form.locator('.login-sub').textContent()).toBe('سجّل الدخول إلى بريد المكتب الصحفي.');
    await form.getByLabel('البريد الإلكتروني').fill(app.admin.email);
    await form.getByLabel('كلمة المرور').fill('not the password');
    await form.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await expect
      .poll(() => page.getByTestId('login-error').textContent())
      .toBe('البريد الإلكتروني أو كلمة المرور غير صحيحة.');

    await form.getByLabel('كلمة المرور').fill(app.admin.password);
    await form.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.getByTestId('thread-row').first().waitFor();
    // The admin's own language is English: the whole interface turns left to right.
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    // No mailbox is configured here; the banner says so in the officer's language.
    expect(await page.getByTestId('no-mailbox-banner').locator('h2').textContent()).toBe(
      'No mailbox is configured yet',
    );
    await page.context().close();
  });

  it('an English browser gets the sign-in page in English', async () => {
    const page = await open('en-GB');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    expect(await page.getByTestId('login-form').getByRole('button').textContent()).toBe('Sign in');
    await page.context().close();
  });

  it('says sending replies is failing, with the server’s words, and translates the release link line', async () => {
    const threadId = (app.db.$client.prepare('select id from threads').get() as { id: number }).id;
    const release = await app.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: {
        url: 'https://example.gov/news/harbour',
        title: 'Harbour reopens at Port Elin',
        language: 'en',
        published_at: '2026-11-20T09:00:00Z',
        body: 'The harbour reopens on Monday.',
      },
    });
    expect(release.statusCode).toBeLessThan(300);
    const releaseId = (release.json().release ?? release.json()).id as number;
    expect(
      (
        await app.app.inject({
          method: 'PUT',
          url: `/api/threads/${threadId}/release`,
          headers: { cookie },
          payload: { releaseId },
        })
      ).statusCode,
    ).toBe(200);
    const sent = await app.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/replies`,
      headers: { cookie, 'idempotency-key': 'language-test-1' },
      payload: { text: 'Monday at 09:00.' },
    });
    expect(sent.statusCode).toBe(202);
    const replyId = sent.json().reply.id as number;
    await pollUntil(
      async () =>
        (await app.app.inject({ method: 'GET', url: `/api/replies/${replyId}`, headers: { cookie } })).json()
          .reply.state === 'failed',
      { timeoutMs: 15_000, what: 'the refused reply to fail' },
    );

    const page = await open('en-GB');
    const form = page.getByTestId('login-form');
    await form.getByLabel('Email').fill(app.admin.email);
    await form.getByLabel('Password').fill(app.admin.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    const banner = page.getByTestId('sending-failing-banner');
    await banner.waitFor();
    expect(await banner.locator('strong').textContent()).toBe(
      'Sending replies from newsdesk@newsdesk.test is failing',
    );
    expect(await banner.getByTestId('sending-error').textContent()).toContain('Recipient address rejected');
    // It is about sending, not about reading mail.
    expect(await page.getByTestId('sync-failing-banner').count()).toBe(0);
    await page.getByTestId('thread-row').first().click();
    expect(await page.getByTestId('match-reason').textContent()).toBe(' — linked by Admin (100%)');

    await page.getByTestId('language-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await banner.locator('strong').textContent()).toBe('يتعذّر إرسال الردود من newsdesk@newsdesk.test');
    expect(await banner.textContent()).toContain('قال خادم البريد:');
    expect(await page.getByTestId('match-reason').textContent()).toBe(' — ربطه Admin (100٪)');
    expect(await page.getByTestId('no-mailbox-banner').locator('h2').textContent()).toBe(
      'لم يُضبط أي صندوق بريد بعد',
    );
    expect(problems).toEqual([]);
  });
});
