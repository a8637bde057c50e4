/**
 * The collision guard in real Chromium: two officers on the same thread; while one writes a reply the
 * other starts writing (the first sees the pencil) and adds a note. Send is then stopped with what
 * changed and the choice to review or send anyway; nothing is queued until the officer chooses, and
 * sending anyway queues exactly one reply. Replies are held for the undo window, so no mail server is
 * needed and nothing leaves the machine.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser, signIn as submitSignIn } from '../support/browser.ts';

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const UI_MS = 10_000;
const OFFICER_B = { email: 'rania@newsdesk.test', name: 'Rania Haddad', password: 'another long passphrase' };

const ENQUIRY = [
  'From: Sam Reporter <sam@paper.test>',
  'To: newsdesk@newsdesk.test',
  'Subject: Flood defence figures',
  'Message-ID: <collision-1@paper.test>',
  `Date: ${new Date(Date.now() - 60_000).toUTCString()}`,
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Could you confirm the flood defence spending for 2026?',
  '',
].join('\r\n');

const availability = browserAvailable();
if (!availability.ok) console.log(`e2e collision guard skipped: ${availability.reason}`);

describe.skipIf(!availability.ok)('collision guard in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let a: Page;
  let b: Page;
  let threadId: number;
  let adminCookie: string;
  const problems: string[] = [];

  async function signIn(email: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await submitSignIn(page, app.url, email, password);
    await page.getByTestId('thread-row').first().click();
    await page.getByTestId('composer-text').waitFor();
    return page;
  }

  /** The replies on the thread as the API reports them (outgoing messages carry their reply). */
  async function repliesOnThread(): Promise<{ state: string; author: { name: string } | null }[]> {
    const res = await app.app.inject({
      method: 'GET',
      url: `/api/threads/${threadId}`,
      headers: { cookie: adminCookie },
    });
    expect(res.statusCode).toBe(200);
    const messages = res.json().messages as { reply?: { state: string; author: { name: string } | null } }[];
    return messages.flatMap((m) => (m.reply ? [m.reply] : []));
  }

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error('web/dist/index.html is missing: run `npm run build` first');
    // A closed port and an hour's undo window: a queued reply stays held, visibly, and is never sent.
    app = await startTestApp({
      env: { NEWSDESK_SMTP_URL: 'smtp://127.0.0.1:9', NEWSDESK_UNDO_SECONDS: '3600' },
    });
    await addUser(app.db, { ...OFFICER_B, role: 'staff' }, new Date());
    await app.ingestRaw(ENQUIRY);
    threadId = (app.db.$client.prepare('select id from threads').get() as { id: number }).id;
    adminCookie = await app.login();
    browser = await launchBrowser();
    a = await signIn(app.admin.email, app.admin.password);
    b = await signIn(OFFICER_B.email, OFFICER_B.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('stops a reply when a colleague acted meanwhile, shows what changed, and sends once on request', async () => {
    await a.getByTestId('composer-text').fill('The spending for 2026 is £12 million.');

    // B starts writing: A's screen shows B on the thread with the pencil.
    await b.getByTestId('composer-text').fill('I think the figure is');
    const bComposing = a.locator(
      '[data-testid="thread-detail"] [data-testid="presence-avatar"][data-composing="true"]',
    );
    await bComposing.waitFor();
    expect(await bComposing.getAttribute('title')).toContain(OFFICER_B.name);

    // B adds a note instead; A sees it arrive, but A's reply was written before it.
    await b.getByTestId('note-input').fill('Treasury says the figure is not final yet.');
    await b.getByTestId('note-add').click();
    await a.getByTestId('note').filter({ hasText: 'not final yet' }).waitFor();

    await a.getByTestId('send-reply').click();
    const guard = a.getByTestId('collision');
    await guard.waitFor();
    expect(await guard.textContent()).toContain(OFFICER_B.name);
    expect(await guard.locator('li').allTextContents()).toEqual([`${OFFICER_B.name} added a note`]);
    expect(await a.getByTestId('collision-review').isVisible()).toBe(true);
    expect(await a.getByTestId('collision-send-anyway').isVisible()).toBe(true);
    // Stopped means stopped: nothing stored, nothing queued, the words still in the box.
    expect(await repliesOnThread()).toEqual([]);
    expect(app.db.$client.prepare('select count(*) n from outbox').get()).toEqual({ n: 0 });
    expect(await a.getByTestId('composer-text').inputValue()).toBe('The spending for 2026 is £12 million.');
    expect(await a.getByTestId('send-reply').isDisabled()).toBe(true);

    await a.getByTestId('collision-send-anyway').click();
    await a.getByTestId('undo-bar').waitFor();
    const replies = await repliesOnThread();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ state: 'held', author: { name: 'Admin' } });
    expect(app.db.$client.prepare('select count(*) n from outbox').get()).toEqual({ n: 1 });
    expect(problems).toEqual([]);
  });

  it('after undo, stops again only for a newer reply; Review shows it and keeps the words and the pencil', async () => {
    // A pulls the reply back: the words return to the box, and the note already seen stops nothing.
    await a.getByTestId('undo-send').click();
    await expect
      .poll(() => a.getByTestId('composer-text').inputValue())
      .toBe('The spending for 2026 is £12 million.');

    // Meanwhile B replies to the journalist.
    await b.getByTestId('composer-text').fill('The figure will be confirmed on Monday.');
    await b.getByTestId('send-reply').click();
    // B opened the thread before A's first reply, so B is stopped too, and chooses to send.
    await b.getByTestId('collision').waitFor();
    expect(await b.getByTestId('collision').locator('li').allTextContents()).toEqual(['Admin replied']);
    await b.getByTestId('collision-send-anyway').click();
    await b.getByTestId('undo-bar').waitFor();

    await a.getByTestId('composer-text').fill('The spending for 2026 is £12 million, as announced.');
    await a.getByTestId('send-reply').click();
    const guard = a.getByTestId('collision');
    await guard.waitFor();
    expect(await guard.locator('li').allTextContents()).toEqual([`${OFFICER_B.name} replied`]);
    const mine = (await repliesOnThread()).filter(
      (r) => r.author?.name === 'Admin' && r.state !== 'cancelled',
    );
    expect(mine).toEqual([]);

    await a.getByTestId('collision-review').click();
    // B's reply is now on A's screen; A's words are still in the box and B still sees A writing.
    await a.getByTestId('message').filter({ hasText: 'confirmed on Monday' }).waitFor();
    expect(await a.getByTestId('composer-text').inputValue()).toBe(
      'The spending for 2026 is £12 million, as announced.',
    );
    await b
      .locator('[data-testid="thread-detail"] [data-testid="presence-avatar"][data-composing="true"]')
      .waitFor();

    await a.getByTestId('send-reply').click();
    await a.getByTestId('undo-bar').waitFor();
    const after = await repliesOnThread();
    expect(after.filter((r) => r.author?.name === 'Admin' && r.state === 'held')).toHaveLength(1);
    expect(after.filter((r) => r.author?.name === OFFICER_B.name && r.state === 'held')).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});
