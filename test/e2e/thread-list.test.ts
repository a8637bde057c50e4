/**
 * The thread list in real Chromium against the real server: sign-in, the "no mailbox" banner, live
 * arrival of an Arabic enquiry over the websocket, threading of a reply, the detail pane, HTML in
 * mail shown as text, and resuming by seq after the socket drops.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const SCREENSHOT = '/tmp/newsdesk-threads.png';
const STEP_MS = 30_000;
// How long a UI wait may take; generous for a loaded 2-core CI machine.
const UI_MS = 10_000;

// ---- Building raw mail the way real clients send it ----

/** windows-1256 has no encoder in Node; invert its decoder (Node ships full ICU). */
function encodeWindows1256(text: string): Buffer {
  const decoder = new TextDecoder('windows-1256');
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const ch = decoder.decode(Uint8Array.of(b));
    if (!table.has(ch)) table.set(ch, b);
  }
  const out: number[] = [];
  for (const ch of text) {
    const b = table.get(ch);
    if (b === undefined) throw new Error(`not encodable in windows-1256: ${JSON.stringify(ch)}`);
    out.push(b);
  }
  return Buffer.from(out);
}

/** RFC 2047 B-encoding, split so no encoded word exceeds 75 characters and no character is cut. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

interface RawMail {
  fromName: string;
  fromEmail: string;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  body: Buffer;
  charset: string;
}

function rawMail(m: RawMail): Buffer {
  const headers = [
    `From: ${encodedWords(m.fromName)} <${m.fromEmail}>`,
    'To: Press Office <press@newsdesk.test>',
    `Subject: ${encodedWords(m.subject)}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${m.messageId}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`, `References: ${m.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${m.charset}`,
    'Content-Transfer-Encoding: 8bit',
  ];
  return Buffer.concat([Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'ascii'), m.body]);
}

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

const ARABIC_NAME = 'ليلى حسن';
const ARABIC_SUBJECT = 'استفسار صحفي حول التقرير السنوي';
const ARABIC_BODY_1 = 'مرحباً، أود الاستفسار عن موعد صدور التقرير السنوي للوزارة.';
const ARABIC_BODY_2 = 'هل من جديد بخصوص موعد النشر؟ لدينا موعد تسليم مساء اليوم.';
const ARABIC_BODY_3 = 'شكراً جزيلاً على الرد السريع.';
const XSS_SUBJECT = '<img src=x onerror="window.__pwned=1"> statement request';
const DROP_SUBJECT = 'Request for comment on the budget leak';
const OFFLINE_SUBJECT = 'Interview request for Thursday';

const availability = browserAvailable();
if (!availability.ok) console.log(`e2e thread list skipped: ${availability.reason}`);

describe.skipIf(!availability.ok)('thread list in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  // The test owns the websocket path so it can cut the connection like a network drop would.
  let socketRoute: WebSocketRoute | null = null;
  let refuseSockets = false;
  const socketUrls: string[] = [];

  const firstId = `<${randomUUID()}@alhadath.example>`;
  const rows = (): Locator => page.getByTestId('thread-row');
  const rowWithSubject = (subject: string): Locator =>
    rows().filter({ has: page.getByTestId('thread-subject').getByText(subject, { exact: true }) });
  const connectionState = (): Promise<string | null> =>
    page.getByTestId('connection-status').getAttribute('data-state');
  const waitForConnection = (state: string) =>
    page.waitForFunction(
      (s) => document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-state') === s,
      state,
      { timeout: UI_MS },
    );

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) {
      throw new Error(`web/dist/index.html is missing: run \`npm run build\` first (\`npm test\` does).`);
    }
    // No NEWSDESK_IMAP_URL in its env: the server reports mail as not configured.
    app = await startTestApp();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // CSP violations are reported as console errors; any of them means the build needs 'unsafe-*'.
      // Failed loads are reported with their URL by the response listener below, and failed
      // socket dials are what the drop and offline steps provoke on purpose.
      const expected = /^(Failed to load resource|WebSocket connection to .* failed)/.test(msg.text());
      if (msg.type() === 'error' && !expected) {
        problems.push(`console: ${msg.text()}`);
      }
    });
    page.on('response', (res) => {
      const expected = res.status() === 401 && new URL(res.url()).pathname === '/api/session';
      if (res.status() >= 400 && !expected)
        problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
    await page.routeWebSocket(/\/api\/ws(\?|$)/, (ws) => {
      socketUrls.push(ws.url());
      if (refuseSockets) {
        // Like a server that is down: the handshake fails and the client must back off and retry.
        ws.close({ code: 1011, reason: 'test: server unavailable' });
        return;
      }
      ws.connectToServer();
      socketRoute = ws;
    });
  }, STEP_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it(
    'shows the login form and the server’s message for a wrong password',
    async () => {
      await page.goto(app.url);
      const form = page.getByTestId('login-form');
      await form.waitFor();
      await form.getByLabel('Email').fill(app.admin.email);
      await form.getByLabel('Password').fill(`${app.admin.password}-wrong`);
      await form.getByRole('button', { name: 'Sign in' }).click();
      const error = page.getByTestId('login-error');
      await error.waitFor({ state: 'visible' });
      expect((await error.textContent())?.trim()).not.toBe('');
      expect(await form.isVisible()).toBe(true);
    },
    STEP_MS,
  );

  it(
    'signs in, says no mailbox is configured and shows the empty state',
    async () => {
      const form = page.getByTestId('login-form');
      await form.getByLabel('Password').fill(app.admin.password);
      await form.getByRole('button', { name: 'Sign in' }).click();

      const banner = page.getByTestId('no-mailbox-banner');
      await banner.waitFor();
      const text = await banner.textContent();
      expect(text).toContain('No mailbox is configured yet');
      expect(text).toContain('NEWSDESK_IMAP_URL');
      expect(text).toContain('npm run demo');

      await page.getByTestId('empty-state').waitFor();
      await waitForConnection('live');
      expect(await rows().count()).toBe(0);
    },
    STEP_MS,
  );

  it(
    'shows a new Arabic enquiry live, right-to-left, without reloading',
    async () => {
      // Survives only if the page is never reloaded.
      await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

      await app.ingestRaw(
        rawMail({
          fromName: ARABIC_NAME,
          fromEmail: 'layla.hassan@alhadath.example',
          subject: ARABIC_SUBJECT,
          messageId: firstId,
          charset: 'windows-1256',
          body: encodeWindows1256(crlf([ARABIC_BODY_1, '', 'ليلى حسن', 'صحيفة الحدث'])),
        }),
      );

      const row = rowWithSubject(ARABIC_SUBJECT);
      await row.waitFor();
      const subject = row.getByTestId('thread-subject');
      expect(await subject.getAttribute('dir')).toBe('auto');
      expect(await subject.textContent()).toBe(ARABIC_SUBJECT);
      // dir="auto" must actually resolve to right-to-left for Arabic text.
      expect(await subject.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
      expect(await row.getByTestId('thread-correspondent').textContent()).toBe(ARABIC_NAME);
      // The windows-1256 body was decoded, not shown as mojibake.
      expect(await row.getByTestId('thread-snippet').textContent()).toContain('أود الاستفسار');
      expect(await row.getByTestId('thread-snippet').getAttribute('dir')).toBe('auto');
      expect(await page.getByTestId('empty-state').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(
        true,
      );
    },
    STEP_MS,
  );

  it(
    'threads a reply into the same row and counts two messages',
    async () => {
      await app.ingestRaw(
        rawMail({
          fromName: ARABIC_NAME,
          fromEmail: 'layla.hassan@alhadath.example',
          subject: `Re: ${ARABIC_SUBJECT}`,
          messageId: `<${randomUUID()}@alhadath.example>`,
          inReplyTo: firstId,
          charset: 'utf-8',
          body: Buffer.from(crlf([ARABIC_BODY_2]), 'utf8'),
        }),
      );
      const row = rowWithSubject(ARABIC_SUBJECT);
      await row.getByTestId('thread-count').filter({ hasText: /^2$/ }).waitFor();
      expect(await rows().count()).toBe(1);
    },
    STEP_MS,
  );

  it(
    'opens the thread with both messages, and appends a third that arrives while it is open',
    async () => {
      await rowWithSubject(ARABIC_SUBJECT).getByRole('button').click();
      const detail = page.getByTestId('thread-detail');
      await detail.waitFor();
      const texts = detail.getByTestId('message-text');
      await texts.nth(1).waitFor();
      expect(await texts.count()).toBe(2);
      expect(await texts.nth(0).textContent()).toContain(ARABIC_BODY_1);
      expect(await texts.nth(1).textContent()).toContain(ARABIC_BODY_2);
      expect(await texts.nth(0).getAttribute('dir')).toBe('auto');
      expect(await texts.nth(0).evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
      expect(await detail.getByTestId('detail-subject').textContent()).toBe(ARABIC_SUBJECT);

      await app.ingestRaw(
        rawMail({
          fromName: ARABIC_NAME,
          fromEmail: 'layla.hassan@alhadath.example',
          subject: `Re: ${ARABIC_SUBJECT}`,
          messageId: `<${randomUUID()}@alhadath.example>`,
          inReplyTo: firstId,
          charset: 'windows-1256',
          body: encodeWindows1256(crlf([ARABIC_BODY_3])),
        }),
      );
      await texts.nth(2).waitFor();
      expect(await texts.nth(2).textContent()).toContain(ARABIC_BODY_3);
      // Delivered once over the socket, never duplicated by a later event or refetch.
      await rowWithSubject(ARABIC_SUBJECT).getByTestId('thread-count').filter({ hasText: /^3$/ }).waitFor();
      expect(await texts.count()).toBe(3);
    },
    STEP_MS,
  );

  it(
    'shows HTML in mail as literal text and never runs it',
    async () => {
      await app.ingestRaw(
        rawMail({
          fromName: 'Sam Reporter',
          fromEmail: 'sam@daily.example',
          subject: XSS_SUBJECT,
          messageId: `<${randomUUID()}@daily.example>`,
          charset: 'utf-8',
          body: Buffer.from(crlf(['Hello <b>press office</b>', '<script>window.__pwned=2</script>']), 'utf8'),
        }),
      );
      const row = rowWithSubject(XSS_SUBJECT);
      await row.waitFor();
      expect(await row.getByTestId('thread-subject').textContent()).toBe(XSS_SUBJECT);
      expect(await page.locator('[data-testid="thread-list"] img').count()).toBe(0);

      await row.getByRole('button').click();
      const text = page.getByTestId('thread-detail').getByTestId('message-text').first();
      await text.filter({ hasText: '<script>' }).waitFor();
      expect(await text.textContent()).toContain('<script>window.__pwned=2</script>');
      expect(
        await page.locator('[data-testid="thread-detail"] script, [data-testid="thread-detail"] b').count(),
      ).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    },
    STEP_MS,
  );

  it(
    'resumes by seq after the socket drops: mail that arrived meanwhile still shows up',
    async () => {
      expect(socketRoute).not.toBeNull();
      const before = socketUrls.length;
      refuseSockets = true;
      // Close the page's side as a dropped connection would (not a deliberate client close).
      await socketRoute!.close({ code: 1012, reason: 'test: connection dropped' });
      await waitForConnection('reconnecting');

      await app.ingestRaw(
        rawMail({
          fromName: 'Nadia Ortiz',
          fromEmail: 'nadia@wire.example',
          subject: DROP_SUBJECT,
          messageId: `<${randomUUID()}@wire.example>`,
          charset: 'utf-8',
          body: Buffer.from(crlf(['Can you confirm the figures reported this morning?']), 'utf8'),
        }),
      );
      // Nothing can reach the page while every connection attempt is refused.
      await page.waitForTimeout(1000);
      expect(await rowWithSubject(DROP_SUBJECT).count()).toBe(0);
      expect(await connectionState()).toBe('reconnecting');
      // Nobody should trust a stale list: a banner says live updates are paused.
      expect(await page.getByTestId('disconnected-banner').isVisible()).toBe(true);

      refuseSockets = false;
      await rowWithSubject(DROP_SUBJECT).waitFor({ timeout: 15_000 });
      await waitForConnection('live');
      await page.getByTestId('disconnected-banner').waitFor({ state: 'detached' });
      // The client backed off and retried, and resumed from the seq it had rather than from scratch.
      const retries = socketUrls.slice(before);
      expect(retries.length).toBeGreaterThanOrEqual(2);
      for (const url of retries) expect(new URL(url).searchParams.get('since')).toMatch(/^[1-9]\d*$/);
      expect(await rows().count()).toBe(3);
    },
    STEP_MS,
  );

  it(
    'catches up after the browser was offline',
    async () => {
      await context.setOffline(true);
      await waitForConnection('offline');
      await app.ingestRaw(
        rawMail({
          fromName: 'Chris Lee',
          fromEmail: 'chris@radio.example',
          subject: OFFLINE_SUBJECT,
          messageId: `<${randomUUID()}@radio.example>`,
          charset: 'utf-8',
          body: Buffer.from(crlf(['Could the minister join our morning show on Thursday?']), 'utf8'),
        }),
      );
      await page.waitForTimeout(500);
      expect(await rowWithSubject(OFFLINE_SUBJECT).count()).toBe(0);
      await context.setOffline(false);
      await rowWithSubject(OFFLINE_SUBJECT).waitFor();
      await waitForConnection('live');
      // Newest activity first.
      expect(await rows().first().getByTestId('thread-subject').textContent()).toBe(OFFLINE_SUBJECT);
    },
    STEP_MS,
  );

  it(
    'looks right with an Arabic thread open (screenshot) and broke no CSP rule',
    async () => {
      await rowWithSubject(ARABIC_SUBJECT).getByRole('button').click();
      await page.getByTestId('thread-detail').getByTestId('message-text').nth(2).waitFor();
      // Let the "new row" highlight fade so the picture shows the resting design.
      await page.waitForFunction(() => !document.querySelector('.is-fresh'));
      await page.screenshot({ path: SCREENSHOT });
      expect(problems).toEqual([]);
    },
    STEP_MS,
  );

  it(
    'returns to the login form, without retrying, when the socket is refused for lack of a session',
    async () => {
      await context.clearCookies();
      const before = socketUrls.length;
      await socketRoute!.close({ code: 1012, reason: 'test: connection dropped' });
      const form = page.getByTestId('login-form');
      await form.waitFor();
      expect(await form.textContent()).toContain('session has ended');
      expect(await page.getByTestId('connection-status').count()).toBe(0);
      // One reconnect, answered with 4401; after that the client stops instead of hammering the server.
      await page.waitForTimeout(1500);
      expect(socketUrls.length - before).toBe(1);
    },
    STEP_MS,
  );

  it(
    'signs in again with the list intact, then signs out',
    async () => {
      const form = page.getByTestId('login-form');
      await form.getByLabel('Email').fill(app.admin.email);
      await form.getByLabel('Password').fill(app.admin.password);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await rowWithSubject(ARABIC_SUBJECT).waitFor();
      expect(await rows().count()).toBe(4);
      await waitForConnection('live');

      await page.getByTestId('sign-out').click();
      await page.getByTestId('login-form').waitFor();
      expect(await rows().count()).toBe(0);
      await page.reload();
      await page.getByTestId('login-form').waitFor();
      expect(problems).toEqual([]);
    },
    STEP_MS,
  );
});
