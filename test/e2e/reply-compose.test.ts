/**
 * Compose an Arabic reply in Chromium, send it, watch it go from the undo bar to "sent", and find it in
 * the journalist's own mailbox on the real Postfix + Dovecot stack.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { parseMessage } from '../../server/mail/parse.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser, signIn } from '../support/browser.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { folderSources, sendMail } from '../support/send-mail.ts';

const browser = browserAvailable();
const stackStatus = mailStackAvailable();
const reason = !browser.ok ? browser.reason : !stackStatus.ok ? stackStatus.reason : null;
if (reason) console.log(`e2e reply composing skipped: ${reason}`);

const NEWSDESK = 'newsdesk@newsdesk.test';
const LAYLA = { name: 'ليلى منصور', address: 'layla@press.test' };

describe.skipIf(reason !== null)('composing and sending a reply in Chromium', () => {
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
        NEWSDESK_UNDO_SECONDS: '2',
        NEWSDESK_OFFICE_NAME: 'المكتب الصحفي',
      },
    });
    const enquiry = composeRawMessage({
      from: LAYLA,
      to: NEWSDESK,
      subject: 'استفسار حول اجتماع بروكسل',
      text: 'هل يمكن ترتيب مقابلة مع المتحدث باسم الوزارة؟',
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

  it('an Arabic reply shows the undo bar, reaches "sent" live, and arrives in the journalist mailbox', async () => {
    const words = 'شكراً لسؤالك. نعم، يمكن ترتيب المقابلة يوم الخميس.';
    const box = page.getByTestId('composer-text');
    expect(await box.getAttribute('dir')).toBe('auto');
    await box.fill(words);
    // What the officer sees is where it goes.
    expect(await page.getByTestId('composer-to').textContent()).toBe(`To: ${LAYLA.address}`);
    // The browser resolves dir="auto" from the first strong character: Arabic reads right to left.
    expect(await box.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    await page.getByTestId('send-reply').click();
    await page.getByTestId('undo-bar').waitFor();
    const state = page.getByTestId('reply-state');
    await expect
      .poll(async () => state.getAttribute('data-state').catch(() => null), { timeout: 15_000 })
      .toBe('sent');

    await stack.waitForDelivery(LAYLA.address, 1);
    const sources = await folderSources(stack, LAYLA.address);
    expect(sources).toHaveLength(1);
    const parsed = await parseMessage(sources[0]!, { now: new Date() });
    expect(parsed.text).toContain(words);
    expect(parsed.subject).toBe('Re: استفسار حول اجتماع بروكسل');
    expect(parsed.from).toEqual({ name: 'Admin — المكتب الصحفي', address: NEWSDESK });
  });

  it('a saved reply fills the box for this journalist, and the draft survives a reload', async () => {
    const cookie = await app.login();
    const created = await app.app.inject({
      method: 'POST',
      url: '/api/saved-replies',
      headers: { cookie },
      payload: { title: 'شكر', language: 'ar', body: 'عزيزتي {journalist_name}، شكراً لتواصلك.' },
    });
    expect(created.statusCode).toBe(201);
    await page.reload();
    await page.getByTestId('thread-row').first().click();
    const picker = page.getByTestId('saved-reply-picker');
    await expect.poll(async () => picker.locator('option').count()).toBe(2);
    await picker.selectOption({ label: 'شكر (ar)' });
    const box = page.getByTestId('composer-text');
    await expect.poll(async () => box.inputValue()).toBe(`عزيزتي ${LAYLA.name}، شكراً لتواصلك.`);
    await box.fill('مسودة لم تُرسل بعد');
    // Saved as a draft shortly after typing stops; a reload brings it back.
    await expect
      .poll(
        () => (app.db.$client.prepare('select body from drafts').get() as { body: string } | undefined)?.body,
      )
      .toBe('مسودة لم تُرسل بعد');
    await page.reload();
    await page.getByTestId('thread-row').first().click();
    await expect.poll(async () => page.getByTestId('composer-text').inputValue()).toBe('مسودة لم تُرسل بعد');
    await page.getByTestId('composer-text').fill('');
    await expect.poll(() => app.db.$client.prepare('select count(*) n from drafts').get()).toEqual({ n: 0 });
  });

  it('with sign-off on, an approver sees the waiting reply live and approves it; the author sees it sent', async () => {
    const cookie = await app.login();
    await app.app.inject({
      method: 'PUT',
      url: '/api/reply-settings',
      headers: { cookie },
      payload: { requireApproval: true },
    });
    app.db.$client.prepare('update users set can_approve = 1 where email = ?').run(app.admin.email);
    await addUser(
      app.db,
      { email: 'amal@newsdesk.test', name: 'Amal Haddad', password: 'amal-password' },
      new Date(),
    );
    // The approver's screen learns it may approve when it loads the officer's profile.
    await page.reload();
    await page.getByTestId('thread-row').first().click();

    const author = await (await chromium.newContext()).newPage();
    author.setDefaultTimeout(15_000);
    await signIn(author, app.url, 'amal@newsdesk.test', 'amal-password');
    await author.getByTestId('thread-row').first().click();
    await author.getByTestId('composer-text').fill('The interview is confirmed for Thursday at 10:00.');
    await author.getByTestId('send-reply').click();
    const mine = author.getByTestId('reply-state');
    await expect
      .poll(async () => mine.getAttribute('data-state').catch(() => null))
      .toBe('awaiting-approval');

    await page.getByTestId('approve-reply').click();
    await expect
      .poll(async () => mine.getAttribute('data-state').catch(() => null), { timeout: 15_000 })
      .toBe('sent');
    await stack.waitForDelivery(LAYLA.address, 2);
  });
});
