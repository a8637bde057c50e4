/**
 * The interface's language in real Chromium: before sign-in it follows the browser (an Arabic browser
 * gets the Arabic sign-in page, right to left, and the mailbox banner in Arabic), after sign-in the
 * officer's own choice. A reply the mail server refuses for good shows a banner saying that sending
 * replies is failing, with the server's words, in English and in Arabic; the release link line in the
 * thread header is translated too.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const UI_MS = 10_000;

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
const stackStatus = mailStackAvailable();
if (!availability.ok) console.log(`e2e interface language skipped: ${availability.reason}`);
else if (!stackStatus.ok) console.log(`e2e interface language skipped: ${stackStatus.reason}`);

describe.skipIf(!availability.ok || !stackStatus.ok)('interface language in Chromium', () => {
  let app: TestApp;
  let stack: MailStack;
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
    // The real Postfix hosts the journalist's domain without a mailbox for them, so it refuses the
    // recipient for good (550 … User unknown), as a relay does for an address that does not exist.
    stack = await startMailStack({ extraDomains: ['paper.test'] });
    app = await startTestApp({
      env: { NEWSDESK_SMTP_URL: stack.smtpUrl(), NEWSDESK_UNDO_SECONDS: '0' },
    });
    await app.ingestRaw(ENQUIRY);
    cookie = await app.login();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stack?.stop();
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
    expect(await banner.getByTestId('sending-error').textContent()).toMatch(/User unknown/i);
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
