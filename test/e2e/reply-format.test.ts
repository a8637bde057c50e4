/**
 * Format an Arabic reply in Chromium (toolbar and keyboard), see the live preview, send it, and find
 * the HTML part with its bold, list and dir="auto" in the journalist's own mailbox on the real
 * Postfix + Dovecot stack.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser, signIn } from '../support/browser.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { folderSources, sendMail } from '../support/send-mail.ts';

const browser = browserAvailable();
const stackStatus = mailStackAvailable();
const reason = !browser.ok ? browser.reason : !stackStatus.ok ? stackStatus.reason : null;
if (reason) console.log(`e2e reply formatting skipped: ${reason}`);

const NEWSDESK = 'newsdesk@newsdesk.test';
const LAYLA = { name: 'ليلى منصور', address: 'layla@press.test' };

describe.skipIf(reason !== null)('formatting a reply in Chromium', () => {
  let stack: MailStack;
  let app: TestApp;
  let chromium: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(resolve(import.meta.dirname, '../../web/dist/index.html')))
      throw new Error('run `npm run build` first');
    stack = await startMailStack({
      extraDomains: ['press.test'],
      users: [
        { user: NEWSDESK, password: 'newsdesk-pass' },
        { user: LAYLA.address, password: 'layla-pass' },
      ],
    });
    app = await startTestApp({
      env: {
        NEWSDESK_IMAP_URL: stack.imapUrl(NEWSDESK),
        NEWSDESK_SMTP_URL: stack.smtpUrl(),
        NEWSDESK_UNDO_SECONDS: '1',
        NEWSDESK_OFFICE_NAME: 'المكتب الصحفي',
      },
    });
    const enquiry = composeRawMessage({
      from: LAYLA,
      to: NEWSDESK,
      subject: 'موعد المقابلة',
      text: 'متى وأين المقابلة؟',
    });
    await sendMail(stack, enquiry.raw, { from: LAYLA.address, to: NEWSDESK });
    chromium = await launchBrowser();
    page = await (await chromium.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, app.url, app.admin.email, app.admin.password);
    await page.getByTestId('thread-row').first().click();
    await page.getByTestId('thread-detail').waitFor();
  });

  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    await stack?.stop();
  });

  it('bold, italic and a list in Arabic: previewed right to left, sent as HTML with <strong>, <ul> and dir="auto"', async () => {
    await page.getByTestId('composer-format').selectOption('simple');
    const box = page.getByTestId('composer-text');
    await box.fill('شكراً لسؤالك عن المقابلة.\n\nالموعد يوم الخميس\nالمكان في بروكسل');
    const select = (word: string, through?: string) =>
      box.evaluate(
        (el: HTMLTextAreaElement, [from, to]) => {
          el.focus();
          const start = el.value.indexOf(from!);
          el.setSelectionRange(start, to ? el.value.indexOf(to) + to.length : start + from!.length);
        },
        [word, through ?? ''],
      );
    await select('لسؤالك');
    await page.getByTestId('format-bold').click();
    await select('الموعد', 'بروكسل');
    await page.getByTestId('format-list').click();
    await select('بروكسل');
    await page.keyboard.press('Control+i');
    await expect
      .poll(() => box.inputValue())
      .toBe('شكراً **لسؤالك** عن المقابلة.\n\n- الموعد يوم الخميس\n- المكان في _بروكسل_');

    // The preview is built from elements, from the same rules the server uses.
    const preview = page.getByTestId('composer-preview');
    expect(await preview.locator('p strong').textContent()).toBe('لسؤالك');
    expect(await preview.locator('ul[dir="auto"] > li').allTextContents()).toEqual([
      'الموعد يوم الخميس',
      'المكان في بروكسل',
    ]);
    expect(await preview.locator('li em').textContent()).toBe('بروكسل');
    expect(
      await preview
        .locator('p')
        .first()
        .evaluate((el) => getComputedStyle(el).direction),
    ).toBe('rtl');
    expect(await preview.locator('ul').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');

    await page.getByTestId('send-reply').click();
    await expect
      .poll(
        async () =>
          page
            .getByTestId('reply-state')
            .getAttribute('data-state')
            .catch(() => null),
        {
          timeout: 20_000,
        },
      )
      .toBe('sent');

    await stack.waitForDelivery(LAYLA.address, 1);
    const sources = await folderSources(stack, LAYLA.address);
    expect(sources).toHaveLength(1);
    expect(sources[0]!.toString('utf8')).toMatch(/^Content-Type: multipart\/alternative;/m);
    const mail = await PostalMime.parse(sources[0]!);
    const html = mail.html ?? '';
    expect(html).toContain('<p dir="auto">شكراً <strong>لسؤالك</strong> عن المقابلة.</p>');
    expect(html).toContain(
      '<ul dir="auto">\n<li>الموعد يوم الخميس</li>\n<li>المكان في <em>بروكسل</em></li>\n</ul>',
    );
    expect(html).toContain('<blockquote dir="auto">متى وأين المقابلة؟</blockquote>');
    expect(mail.text).toContain('شكراً لسؤالك عن المقابلة.\n\n- الموعد يوم الخميس\n- المكان في بروكسل');
    expect(mail.text).not.toContain('**');
  });
});
