/**
 * The triage board in real Chromium against the real server: two officers in two browser contexts
 * (one assigns, the other sees it live; presence), keyboard triage (j/k/o/e, ?), an Arabic message
 * laid out right to left (screenshot kept under test-artifacts/), the Arabic interface switching the
 * whole layout to RTL, search as you type, and notes arriving live.
 */
import { mkdirSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser, signIn as submitSignIn } from '../support/browser.ts';

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const UI_MS = 10_000;

const ARABIC_SUBJECT = 'طلب مقابلة حول خطة المياه';
const ARABIC_BODY = 'مرحباً، نود إجراء مقابلة مع المتحدث الرسمي حول خطة المياه الجديدة قبل يوم الخميس.';
const OFFICER_B = { email: 'rania@newsdesk.test', name: 'Rania Haddad', password: 'another long passphrase' };

function mail(n: number, subject: string, body: string, from = `reporter${n}@paper${n}.test`): string {
  return [
    `From: Reporter ${n} <${from}>`,
    'To: newsdesk@newsdesk.test',
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Message-ID: <triage-${n}@paper.test>`,
    `Date: ${new Date(Date.now() - (10 - n) * 60_000).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ].join('\r\n');
}

const availability = browserAvailable();
if (!availability.ok) console.log(`e2e triage board skipped: ${availability.reason}`);

describe.skipIf(!availability.ok)('triage board in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const problems: string[] = [];

  async function signIn(email: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text()))
        problems.push(`console: ${msg.text()}`);
    });
    page.on('response', (res) => {
      const expected = res.status() === 401 && new URL(res.url()).pathname === '/api/session';
      if (res.status() >= 400 && !expected) problems.push(`${res.status()} ${res.url()}`);
    });
    await submitSignIn(page, app.url, email, password);
    await page.getByTestId('thread-row').first().waitFor();
    return page;
  }

  const row = (page: Page, subject: string) =>
    page
      .getByTestId('thread-row')
      .filter({ has: page.getByTestId('thread-subject').getByText(subject, { exact: true }) });

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error('web/dist/index.html is missing: run `npm run build` first');
    app = await startTestApp();
    await addUser(app.db, { ...OFFICER_B, role: 'staff' }, new Date());
    await app.ingestRaw(
      mail(1, 'Budget figures for 2027', 'Could you confirm the budget figures before 5pm?'),
    );
    await app.ingestRaw(mail(2, 'Harbour closure', 'When does the harbour reopen?'));
    await app.ingestRaw(mail(3, ARABIC_SUBJECT, ARABIC_BODY, 'layla@alhadath.example'));
    await app.ingestRaw(mail(4, 'Minister interview', 'Is the minister available on Thursday?'));
    // A follow-up quoting the first message: its history is folded in the thread view.
    await app.ingestRaw(
      mail(
        5,
        'Re: Harbour closure',
        'Any news on the harbour?\n\nOn Sunday the reporter wrote:\n> When does the harbour reopen?\n> Thanks',
        'reporter2@paper2.test',
      ).replace(
        'Message-ID: <triage-5@paper.test>',
        'Message-ID: <triage-5@paper.test>\r\nIn-Reply-To: <triage-2@paper.test>',
      ),
    );
    const cookie = await app.login();
    await app.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: {
        url: 'https://example.gov/news/harbour',
        title: 'Harbour reopens at Port Elin',
        language: 'en',
        published_at: '2026-11-20T09:00:00Z',
        body: 'The harbour reopens.',
      },
    });
    browser = await launchBrowser();
    a = await signIn(app.admin.email, app.admin.password);
    b = await signIn(OFFICER_B.email, OFFICER_B.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows unread enquiries in bold, with counts in the sidebar', async () => {
    expect(await a.getByTestId('thread-row').count()).toBe(4);
    expect(await row(a, 'Harbour closure').getAttribute('data-unread')).toBe('true');
    const weight = await row(a, 'Harbour closure')
      .getByTestId('thread-subject')
      .evaluate((el) => Number(getComputedStyle(el).fontWeight));
    expect(weight).toBeGreaterThanOrEqual(700);
    await a.getByTestId('view-all').getByText('4').waitFor();
    expect(await a.title()).toMatch(/^\(4\) /);
  });

  it('one officer assigns, the other sees it live; presence shows who is viewing', async () => {
    await row(a, 'Harbour closure').getByRole('button').click();
    await a.getByTestId('thread-detail').waitFor();
    // Opening it marks it read for A only.
    await expect.poll(() => row(a, 'Harbour closure').getAttribute('data-unread')).toBe('false');
    // The tab title counts what this officer has not read yet.
    await expect.poll(() => a.title()).toMatch(/^\(3\) /);
    expect(await row(b, 'Harbour closure').getAttribute('data-unread')).toBe('true');

    // B sees A on the thread, in the list row and then inside the thread.
    await row(b, 'Harbour closure').getByTestId('presence-avatar').waitFor();
    expect(await row(b, 'Harbour closure').getByTestId('presence-avatar').getAttribute('title')).toBe(
      'Admin',
    );
    await row(b, 'Harbour closure').getByRole('button').click();
    await b.getByTestId('thread-detail').getByTestId('presence-avatar').waitFor();
    await a.getByTestId('thread-detail').getByTestId('presence-avatar').waitFor();

    // `r` puts B in the reply box; typing there shows A that B is writing a reply.
    await b.getByTestId('detail-subject').click();
    await b.keyboard.press('r');
    expect(await b.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-text');
    await b.keyboard.type('Thank you, ');
    await a
      .locator('[data-testid="thread-detail"] [data-testid="presence-avatar"][data-composing="true"]')
      .waitFor();
    await b.getByTestId('composer-text').fill('');
    await b.getByTestId('composer-text').blur();
    await a
      .locator('[data-testid="thread-detail"] [data-testid="presence-avatar"][data-composing="false"]')
      .waitFor();

    await a.getByTestId('assignee-select').selectOption({ label: OFFICER_B.name });
    await row(b, 'Harbour closure').getByTestId('thread-assignee').getByText(OFFICER_B.name).waitFor();
    await b.getByTestId('detail-assignee').getByText(OFFICER_B.name).waitFor();

    // Mine for B now holds exactly that thread.
    await b.getByTestId('view-mine').click();
    await expect.poll(() => b.getByTestId('thread-row').count()).toBe(1);
    await b.getByTestId('view-all').click();
    await expect.poll(() => b.getByTestId('thread-row').count()).toBe(4);
  });

  it('folds quoted history under the new words', async () => {
    const followUp = a.getByTestId('message').filter({ hasText: 'Any news on the harbour?' });
    const text = followUp.getByTestId('message-text');
    expect(await text.textContent()).not.toContain('> When does the harbour reopen?');
    await followUp.getByTestId('quoted-toggle').click();
    expect(await text.textContent()).toContain('> When does the harbour reopen?');
  });

  it('notes and status changes reach the other screen live', async () => {
    await a.getByTestId('note-input').fill('Asked the port authority; answer by noon.');
    await a.getByTestId('note-add').click();
    await b.getByTestId('note').getByText('Asked the port authority').waitFor();
    await b.getByTestId('status-select').selectOption('waiting');
    await a
      .getByTestId('thread-detail')
      .locator('[data-testid="thread-status"][data-status="waiting"]')
      .waitFor();
  });

  it('works from the keyboard: j/k move, o opens, e closes, ? shows the shortcuts', async () => {
    await a.keyboard.press('Escape');
    await a.getByTestId('thread-detail').waitFor({ state: 'detached' });
    await a.locator('body').click({ position: { x: 5, y: 5 } });
    await a.keyboard.press('j');
    await a.keyboard.press('j');
    await a.keyboard.press('k');
    const cursorRow = a.locator('.row.is-cursor');
    const cursorId = await cursorRow.getAttribute('data-thread-id');
    // The cursor row has visible keyboard focus.
    await expect
      .poll(() =>
        a.evaluate(() => document.activeElement?.closest('[data-thread-id]')?.getAttribute('data-thread-id')),
      )
      .toBe(cursorId);
    await a.keyboard.press('o');
    await a.locator(`[data-testid="thread-detail"][data-thread-id="${cursorId}"]`).waitFor();
    await a.keyboard.press('e');
    await a
      .locator(`[data-testid="thread-row"][data-thread-id="${cursorId}"] [data-status="closed"]`)
      .waitFor();
    // The other officer's list follows.
    await b
      .locator(`[data-testid="thread-row"][data-thread-id="${cursorId}"] [data-status="closed"]`)
      .waitFor();
    await a.keyboard.press('?');
    await a.getByTestId('help-overlay').waitFor();
    await a.keyboard.press('Escape');
    await a.getByTestId('help-overlay').waitFor({ state: 'detached' });
    // g i: back to the whole inbox from a narrowed view.
    await a.getByTestId('view-unassigned').click();
    await a.locator('body').click({ position: { x: 5, y: 5 } });
    await a.keyboard.press('g');
    await a.keyboard.press('i');
    await a.locator('[data-testid="view-all"][aria-pressed="true"]').waitFor();
  });

  it('searches as you type, with / to focus the box', async () => {
    await a.locator('body').click({ position: { x: 5, y: 5 } });
    await a.keyboard.press('/');
    expect(await a.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-input');
    await a.keyboard.type('minister');
    await a.getByTestId('search-result').filter({ hasText: 'Minister interview' }).waitFor();
    await a.keyboard.press('Enter');
    await a.getByTestId('detail-subject').getByText('Minister interview').waitFor();
  });

  it('merges two enquiries and splits a message back out, live on the other screen', async () => {
    await row(a, 'Budget figures for 2027').getByRole('button').click();
    await a.getByTestId('detail-subject').getByText('Budget figures for 2027').waitFor();
    await a.getByTestId('merge-open').click();
    await a.getByTestId('merge-search').fill('minister');
    await a.getByTestId('merge-target').filter({ hasText: 'Minister interview' }).click();
    // A follows the conversation into the surviving thread; B's list loses the merged one.
    await a.getByTestId('detail-subject').getByText('Minister interview').waitFor();
    await expect.poll(() => a.getByTestId('thread-detail').getByTestId('message').count()).toBe(2);
    await row(b, 'Budget figures for 2027').waitFor({ state: 'detached' });

    a.once('dialog', (d) => void d.accept());
    const budget = a.getByTestId('message').filter({ hasText: 'budget figures before 5pm' });
    await budget.getByTestId('split-message').click();
    await row(b, 'Budget figures for 2027').waitFor();
    await expect.poll(() => a.getByTestId('thread-detail').getByTestId('message').count()).toBe(1);
  });

  it('links a release and shows it in the releases view with its enquiries', async () => {
    await row(a, 'Harbour closure').getByRole('button').click();
    await a.getByTestId('release-picker-open').click();
    await a
      .getByTestId('release-picker')
      .selectOption({ label: 'Harbour reopens at Port Elin (en, 2026-11-20)' });
    await a.getByTestId('thread-detail').getByText('Harbour reopens at Port Elin').first().waitFor();
    await a.getByTestId('nav-releases').click();
    const release = a.getByTestId('release-row').filter({ hasText: 'Harbour reopens at Port Elin' });
    await release.waitFor();
    await expect.poll(async () => (await release.locator('td').first().textContent())?.trim()).toBe('1');
    // From the release to its enquiries, in the inbox.
    await release.getByRole('button').click();
    await expect.poll(() => a.getByTestId('thread-row').count()).toBe(1);
    await a.getByTestId('clear-filters').click();
    await expect.poll(() => a.getByTestId('thread-row').count()).toBeGreaterThan(1);
  });

  it('lays out an Arabic message right to left (screenshot kept as an artefact)', async () => {
    await row(a, ARABIC_SUBJECT).getByRole('button').click();
    const text = a.getByTestId('thread-detail').getByTestId('message-text').first();
    await text.getByText('نود إجراء مقابلة', { exact: false }).waitFor();
    expect(await text.getAttribute('dir')).toBe('auto');
    expect(await text.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(await a.getByTestId('detail-subject').evaluate((el) => getComputedStyle(el).direction)).toBe(
      'rtl',
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await a.screenshot({ path: `${ARTIFACTS}arabic-message.png` });
  });

  it('switches the whole interface to Arabic, right to left, and remembers it per officer', async () => {
    await b.getByTestId('language-toggle').click();
    await b.waitForFunction(
      () => document.documentElement.dir === 'rtl' && document.documentElement.lang === 'ar',
    );
    await b.getByTestId('view-all').getByText('كل الاستفسارات').waitFor();
    // The sidebar moved to the right-hand side of the window.
    const box = await b.getByTestId('sidebar').boundingBox();
    expect(box!.x).toBeGreaterThan(700);
    mkdirSync(ARTIFACTS, { recursive: true });
    await b.screenshot({ path: `${ARTIFACTS}arabic-interface.png` });
    // Per officer: B's choice is stored, A stays in English.
    await expect
      .poll(
        async () =>
          (
            await app.app.inject({
              url: '/api/me',
              headers: {
                cookie: await b
                  .context()
                  .cookies()
                  .then((c) => c.map((x) => `${x.name}=${x.value}`).join('; ')),
              },
            })
          ).json().language,
      )
      .toBe('ar');
    await b.reload();
    await b.waitForFunction(() => document.documentElement.dir === 'rtl');
    // Shortcuts follow the physical key: with an Arabic keyboard layout, J types "ت".
    await b.locator('body').click({ position: { x: 700, y: 5 } });
    const before = await b.locator('.row.is-cursor').getAttribute('data-thread-id');
    await b.evaluate(() =>
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ت', code: 'KeyJ', bubbles: true })),
    );
    await expect.poll(() => b.locator('.row.is-cursor').getAttribute('data-thread-id')).not.toBe(before);
    expect(await a.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await b.getByTestId('language-toggle').click();
    await b.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  it('raised no page errors, console errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
