/**
 * Attach a file from the officer's computer in Chromium: it is uploaded, shown, and arrives with the
 * reply in the journalist's own mailbox on the real Postfix + Dovecot stack, with its Arabic name.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { parseMessage } from '../../server/mail/parse.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser, signIn } from '../support/browser.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { folderSources, sendMail } from '../support/send-mail.ts';

const browser = browserAvailable();
const stackStatus = mailStackAvailable();
const reason = !browser.ok ? browser.reason : !stackStatus.ok ? stackStatus.reason : null;
if (reason) console.log(`e2e reply upload skipped: ${reason}`);

const NEWSDESK = 'newsdesk@newsdesk.test';
const OMAR = { name: 'Omar', address: 'omar@press.test' };

describe.skipIf(reason !== null)('attaching an uploaded file to a reply in Chromium', () => {
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
        { user: OMAR.address, password: 'omar-pass' },
      ],
    });
    app = await startTestApp({
      env: {
        NEWSDESK_IMAP_URL: stack.imapUrl(NEWSDESK),
        NEWSDESK_SMTP_URL: stack.smtpUrl(),
        NEWSDESK_UNDO_SECONDS: '0',
      },
    });
    const enquiry = composeRawMessage({
      from: OMAR,
      to: NEWSDESK,
      subject: 'The statement',
      text: 'Could you send the full statement as a file?',
    });
    await sendMail(stack, enquiry.raw, { from: OMAR.address, to: NEWSDESK });
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

  it('uploads the chosen file, lists it, and sends it with the reply', async () => {
    const statement = Buffer.from('%PDF-1.4\nthe full statement\n%%EOF\n');
    await page.getByTestId('composer-text').fill('The statement is attached.');
    await page.getByTestId('composer-attach').setInputFiles({
      name: 'البيان الكامل.pdf',
      mimeType: 'application/pdf',
      buffer: statement,
    });
    await expect
      .poll(() => page.getByTestId('composer-upload').textContent(), { timeout: 10_000 })
      .toContain('البيان الكامل.pdf');
    await page.getByTestId('send-reply').click();
    await expect
      .poll(
        async () =>
          page
            .getByTestId('reply-state')
            .getAttribute('data-state')
            .catch(() => null),
        {
          timeout: 15_000,
        },
      )
      .toBe('sent');
    // The list is cleared for the next reply.
    expect(await page.getByTestId('composer-upload').count()).toBe(0);

    await stack.waitForDelivery(OMAR.address, 1);
    const [source] = await folderSources(stack, OMAR.address);
    const received = await parseMessage(source!, { now: new Date() });
    expect(received!.text).toContain('The statement is attached.');
    expect(
      received!.attachments.map((a) => [a.filename, a.contentType, a.content.toString('latin1')]),
    ).toEqual([['البيان الكامل.pdf', 'application/pdf', statement.toString('latin1')]]);
  });
});
