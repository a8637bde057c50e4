import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser, signIn as submitSignIn } from '../support/browser.ts';

const availability = browserAvailable();
if (!availability.ok) console.log(`e2e release linking skipped: ${availability.reason}`);

describe.skipIf(!availability.ok)('linking a thread to a release in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let watcher: Page;

  beforeAll(async () => {
    if (!existsSync(resolve(import.meta.dirname, '../../web/dist/index.html')))
      throw new Error('run `npm run build` first');
    app = await startTestApp();
    const cookie = await app.login();
    await app.app.inject({
      method: 'POST',
      url: '/api/releases',
      headers: { cookie },
      payload: [
        {
          url: 'https://example.gov/news/harbour',
          title: 'Harbour reopens at Port Elin',
          language: 'en',
          published_at: '2026-11-20T09:00:00Z',
          body: 'The harbour reopens.',
        },
        {
          url: 'https://example.gov/news/bridge',
          title: 'New bridge opens',
          language: 'en',
          published_at: '2026-11-21T09:00:00Z',
          body: 'The bridge opens.',
        },
      ],
    });
    await app.ingestRaw(
      [
        'From: Ann <ann@paper.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: A question',
        'Message-ID: <q@paper.test>',
        'Date: Sun, 22 Nov 2026 10:00:00 +0000',
        '',
        'Is it true?',
        '',
      ].join('\r\n'),
    );
    browser = await launchBrowser();
    const signIn = async () => {
      const p = await (await browser.newContext()).newPage();
      p.setDefaultTimeout(10_000);
      await submitSignIn(p, app.url, app.admin.email, app.admin.password);
      await p.getByTestId('thread-row').first().click();
      await p.getByTestId('thread-detail').waitFor();
      return p;
    };
    page = await signIn();
    watcher = await signIn();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('links a release from the thread view, and another open screen sees it live', async () => {
    await page.getByTestId('release-picker-open').click();
    const select = page.getByTestId('release-picker');
    await expect.poll(async () => select.locator('option').count()).toBe(3);
    await select.selectOption({ label: 'New bridge opens (en, 2026-11-21)' });
    await page.getByText('About:').waitFor();
    expect(await page.getByTestId('thread-detail').textContent()).toContain('New bridge opens');
    expect(await page.getByTestId('match-reason').textContent()).toContain('linked by Admin');
    // The second screen did nothing: the change came over its websocket.
    await watcher.getByText('New bridge opens').first().waitFor();
  });
});
