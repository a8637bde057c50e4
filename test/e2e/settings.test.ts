/**
 * The settings screen in real Chromium against the real server: a signature kept on the account, a
 * saved reply offered in the reply box, a release's line to take, an admin switching sign-off on,
 * a refused change showing the server's words, and a staff officer not shown the admin sections.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import type { ReplySettings } from '../../server/schemas/api.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser, signIn as submitSignIn } from '../support/browser.ts';

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const UI_MS = 8_000;
const STAFF = { email: 'omar@newsdesk.test', name: 'Omar Saleh', password: 'a staff passphrase here' };

const ENQUIRY = [
  'From: Dana Reporter <dana@paper.test>',
  'To: newsdesk@newsdesk.test',
  'Subject: Harbour reopening date',
  'Message-ID: <settings-1@paper.test>',
  `Date: ${new Date(Date.now() - 60_000).toUTCString()}`,
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'When does the harbour reopen?',
  '',
].join('\r\n');

const availability = browserAvailable();
if (!availability.ok) console.log(`e2e settings skipped: ${availability.reason}`);

describe.skipIf(!availability.ok)('settings screen in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let admin: Page;
  let cookie: string;
  const problems: string[] = [];

  async function signIn(email: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await submitSignIn(page, app.url, email, password);
    await page.getByTestId('thread-row').first().waitFor();
    return page;
  }

  async function getJson<T>(url: string): Promise<T> {
    const res = await app.app.inject({ method: 'GET', url, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    return res.json() as T;
  }

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error('web/dist/index.html is missing: run `npm run build` first');
    app = await startTestApp();
    await addUser(app.db, { ...STAFF, role: 'staff' }, new Date());
    await app.ingestRaw(ENQUIRY);
    cookie = await app.login();
    const created = await app.app.inject({
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
    expect(created.statusCode).toBeLessThan(300);
    browser = await launchBrowser();
    admin = await signIn(app.admin.email, app.admin.password);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('the Settings tab is reached by keyboard and shows every section to an admin', async () => {
    await admin.getByTestId('nav-releases').focus();
    await admin.keyboard.press('Tab');
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'nav-settings',
    );
    await admin.keyboard.press('Enter');
    await admin.getByTestId('settings-view').waitFor();
    expect(await admin.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');
    await admin.getByTestId('office-section').waitFor();
    await admin.getByTestId('staff-section').waitFor();
  });

  it('a signature is saved to the account', async () => {
    const box = admin.getByTestId('signature');
    expect(await box.getAttribute('dir')).toBe('auto');
    await box.fill('Admin\nPress office, Port Elin');
    await admin.getByTestId('save-signature').click();
    await expect.poll(() => admin.getByTestId('signature-outcome').textContent()).toBe('Saved.');
    const me = await getJson<{ signature: string }>('/api/me');
    expect(me.signature).toBe('Admin\nPress office, Port Elin');
  });

  it('a saved reply made here is offered in the reply box, filled for the journalist', async () => {
    await admin.getByTestId('saved-title').fill('Thanks, coming back');
    await admin.getByTestId('saved-body').fill('Dear {journalist_name}, we will come back to you shortly.');
    await admin.getByTestId('saved-save').click();
    await admin.getByTestId('saved-item').filter({ hasText: 'Thanks, coming back' }).waitFor();
    const list = await getJson<{ savedReplies: { title: string; language: string; release: unknown }[] }>(
      '/api/saved-replies',
    );
    expect(list.savedReplies).toEqual([
      expect.objectContaining({ title: 'Thanks, coming back', language: 'en', release: null }),
    ]);

    // A line to take for the release, kept apart from the general ones.
    const releases = await getJson<{ releases: { id: number }[] }>('/api/releases');
    await admin.getByTestId('lines-release').selectOption(String(releases.releases[0]!.id));
    await admin.getByTestId('lines-title').fill('Harbour line');
    await admin.getByTestId('lines-body').fill('See {release_url}.');
    await admin.getByTestId('lines-save').click();
    await admin.getByTestId('lines-item').filter({ hasText: 'Harbour line' }).waitFor();
    expect(await admin.getByTestId('saved-item').count()).toBe(1);
    const lines = await getJson<{ savedReplies: { title: string; release: { id: number } | null }[] }>(
      `/api/saved-replies?releaseId=${releases.releases[0]!.id}`,
    );
    expect(lines.savedReplies.find((s) => s.title === 'Harbour line')?.release?.id).toBe(
      releases.releases[0]!.id,
    );

    await admin.getByTestId('nav-inbox').click();
    await admin.getByTestId('thread-row').first().click();
    const picker = admin.getByTestId('saved-reply-picker');
    await picker.waitFor();
    const option = picker.locator('option', { hasText: 'Thanks, coming back' });
    await picker.selectOption(await option.getAttribute('value'));
    await expect
      .poll(() => admin.getByTestId('composer-text').inputValue())
      .toContain('Dear Dana Reporter, we will come back');
  });

  it('an admin switches sign-off on; a refusal shows the server’s words', async () => {
    await admin.getByTestId('nav-settings').click();
    const toggle = admin.getByTestId('require-approval');
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await expect.poll(() => admin.getByTestId('office-outcome').textContent()).toBe('Saved.');
    const settings = await getJson<{ requireApproval: boolean }>('/api/reply-settings');
    expect(settings.requireApproval).toBe(true);

    // The automatic acknowledgement, on, with its Arabic words.
    await admin.getByTestId('ack-enabled').check();
    await admin.getByTestId('ack-text-ar').fill('شكراً {name}، رقم استفسارك {reference}.');
    await admin.getByTestId('save-ack').click();
    await expect
      .poll(async () => (await getJson<ReplySettings>('/api/reply-settings')).acknowledgement)
      .toEqual(
        expect.objectContaining({
          enabled: true,
          texts: expect.objectContaining({ ar: 'شكراً {name}، رقم استفسارك {reference}.' }),
        }),
      );

    // The only admin may not make themselves staff: the server says why, and the role stays.
    const own = admin.getByTestId('staff-row').filter({ hasText: app.admin.email });
    await own.getByTestId('staff-role').selectOption('staff');
    const outcome = admin.getByTestId('staff-outcome');
    await expect.poll(() => outcome.getAttribute('role')).toBe('alert');
    expect(await outcome.textContent()).toBe(
      `${app.admin.email} is the only admin; make someone else admin first`,
    );
    expect(await own.getByTestId('staff-role').inputValue()).toBe('admin');

    // Making the staff officer an approver is kept.
    const omar = admin.getByTestId('staff-row').filter({ hasText: STAFF.email });
    await omar.getByTestId('staff-approver').check();
    await expect.poll(() => outcome.textContent()).toBe('Saved.');
    const users = await getJson<{ users: { email: string; canApprove: boolean }[] }>('/api/users');
    expect(users.users.find((u) => u.email === STAFF.email)?.canApprove).toBe(true);
  });

  it('a staff officer sees their own settings but not the admin sections', async () => {
    const staff = await signIn(STAFF.email, STAFF.password);
    await staff.getByTestId('nav-settings').click();
    await staff.getByTestId('settings-view').waitFor();
    await staff.getByTestId('saved-item').filter({ hasText: 'Thanks, coming back' }).waitFor();
    expect(await staff.getByTestId('signature').count()).toBe(1);
    expect(await staff.getByTestId('office-section').count()).toBe(0);
    expect(await staff.getByTestId('staff-section').count()).toBe(0);
    // In Arabic the screen speaks Arabic and lays out right to left.
    await staff.getByTestId('language-toggle').click();
    await expect.poll(() => staff.getByTestId('nav-settings').textContent()).toBe('الإعدادات');
    expect(await staff.locator('#settings-title').textContent()).toBe('الإعدادات');
    expect(await staff.getByTestId('settings-view').evaluate((el) => getComputedStyle(el).direction)).toBe(
      'rtl',
    );
    expect(problems).toEqual([]);
  });
});
