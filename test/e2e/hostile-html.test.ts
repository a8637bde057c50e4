/**
 * Hostile HTML mail opened in the real viewer (Chromium): the shared XSS corpus (BAD-INPUTS H-01),
 * CSS obfuscation and remote-fetch vectors (H-13, H-16) and full-window overlays (H-15). Every page
 * request is intercepted: anything not for the app's own origin is recorded and refused.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailFrameCsp } from '../../server/routes/messages/html.ts';
import { MAIL_FRAME_SANDBOX } from '../../web/src/mail-frame-policy.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { GIF_1X1, imageServerFetcher, startImageServer, type ImageServer } from '../support/image-server.ts';
import { browserAvailable, launchBrowser, signIn } from '../support/browser.ts';
import { corporaDir, corpusAvailable } from '../support/corpus-mail.ts';

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const XSS = join(corporaDir(), 'xss');
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const UI_MS = 15_000;
// Payloads per message: few enough that one broken payload cannot hide many others.
const CHUNK = 25;

function htmlMail(id: string, subject: string, html: string, inReplyTo?: string): string {
  return [
    'From: Hostile Sender <attacker@evil.example>',
    'To: newsdesk@newsdesk.test',
    `Subject: ${subject}`,
    `Message-ID: <${id}@evil.example>`,
    ...(inReplyTo
      ? [`In-Reply-To: <${inReplyTo}@evil.example>`, `References: <${inReplyTo}@evil.example>`]
      : []),
    'Date: Sun, 22 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(html, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n'),
    '',
  ].join('\r\n');
}

/** Every payload of the corpus, as HTML fragments. */
function corpusPayloads(): { label: string; html: string }[] {
  const out: { label: string; html: string }[] = [];
  for (const line of readFileSync(join(XSS, 'roundcube/roundcube-washtml-cases.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const c = JSON.parse(line) as { id: string; input: string };
    out.push({ label: c.id, html: c.input });
  }
  const dompurify = JSON.parse(readFileSync(join(XSS, 'dompurify/expect.json'), 'utf8')) as {
    payload: string;
  }[];
  dompurify.forEach((c, i) => out.push({ label: `dompurify-${i}`, html: c.payload }));
  const h5sc = JSON.parse(readFileSync(join(XSS, 'h5sc/items.json'), 'utf8')) as {
    items: { id: unknown; payload: string }[];
  };
  for (const item of h5sc.items) out.push({ label: `h5sc-${String(item.id)}`, html: item.payload });
  for (const f of [
    'htmlxss.txt',
    'BID-26800.txt',
    'htmlbase.txt',
    'htmlcom.txt',
    'htmlbody.txt',
    'invalidchars.html',
  ]) {
    out.push({ label: f, html: readFileSync(join(XSS, 'roundcube/tests-src', f), 'latin1') });
  }
  return out;
}

// `tracker` is the mail's remote host (resolved to a loopback image server by the app's fetcher only).
const remoteVectors = (tracker: string) =>
  `
<p>Remote vectors</p>
<img src="http://tracker.evil.example/a.gif"><img srcset="http://tracker.evil.example/b.gif 2x">
<picture><source srcset="http://tracker.evil.example/c.gif"><img src="http://tracker.evil.example/c2.gif"></picture>
<video poster="http://tracker.evil.example/d.gif" src="http://tracker.evil.example/d.mp4"></video><audio src="http://tracker.evil.example/e.mp3"></audio>
<table background="http://tracker.evil.example/f.gif"><tr><td background="http://tracker.evil.example/g.gif">x</td></tr></table>
<div style="background:url(http://tracker.evil.example/h.gif);list-style:url(http://tracker.evil.example/i.gif);cursor:url(http://tracker.evil.example/j.cur),auto;border-image:url(http://tracker.evil.example/k.gif) 30">css</div>
<div style="background-image: var(--x, url(http://tracker.evil.example/l.gif))">var</div>
<div style="background: image-set('http://tracker.evil.example/m.gif' 1x)">image-set</div>
<div style="background: u\\72 l(http://tracker.evil.example/n.gif)">escaped url</div>
<style>@import url(http://tracker.evil.example/o.css); @font-face { font-family: x; src: url(http://tracker.evil.example/p.woff) } p { background: url(http://tracker.evil.example/q.gif) }</style>
<svg><image href="http://tracker.evil.example/r.png"/><filter><feImage href="http://tracker.evil.example/s.png"/></filter><use href="http://tracker.evil.example/t.svg#x"/><rect fill="url(http://tracker.evil.example/u.svg#g"/></svg>
<link rel="stylesheet" href="http://tracker.evil.example/v.css"><link rel="prefetch" href="http://tracker.evil.example/w">
<input type="image" src="http://tracker.evil.example/x.gif"><body background="http://tracker.evil.example/y.gif">
`.replaceAll('http://tracker.evil.example/', `http://${tracker}/`);

const OVERLAY = `
<p>Overlay attempt</p>
<div style="position:fixed !important; top:0; left:0; width:100vw; height:100vh; z-index:2147483647; background:red">cover</div>
<div style="position/**/:fixed; inset:0; z-index:2147483647; background:blue">cover 2</div>
<div style="position:
fixed; top:-1000px; left:-1000px; width:5000px; height:5000px; z-index:2147483647">cover 3</div>
`;

const availability = browserAvailable();
if (!availability.ok) console.log(`e2e hostile HTML skipped: ${availability.reason}`);
const haveCorpus = availability.ok && corpusAvailable(XSS, 'xss corpus (e2e)');

describe.skipIf(!availability.ok)('hostile HTML mail in the viewer', () => {
  let app: TestApp;
  let images: ImageServer;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const offOrigin: string[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  async function openThread(subject: string): Promise<void> {
    await page
      .getByTestId('thread-row')
      .filter({ has: page.getByTestId('thread-subject').getByText(subject, { exact: true }) })
      .getByRole('button')
      .click();
    await page.getByTestId('detail-subject').getByText(subject, { exact: true }).waitFor();
    await page.getByTestId('message').first().waitFor();
  }

  /** Shows every message of the open thread formatted and waits until each frame has loaded. */
  async function showAllFormatted(): Promise<number> {
    const toggles = page.getByTestId('formatted-toggle');
    const n = await toggles.count();
    for (let i = 0; i < n; i++) {
      const toggle = toggles.nth(i);
      if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    }
    await expect.poll(() => page.getByTestId('mail-iframe').count(), { timeout: UI_MS }).toBe(n);
    for (const frame of await page.getByTestId('mail-iframe').all()) {
      await frame.scrollIntoViewIfNeeded();
      const handle = await frame.elementHandle();
      const content = await handle!.contentFrame();
      await content!.waitForLoadState('load');
    }
    // Let anything deferred (timers, lazy images, animations) have its chance to fire.
    await page.waitForTimeout(500);
    return n;
  }

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error('web/dist/index.html is missing: run `npm run build` first');
    images = await startImageServer();
    for (const path of ['/a.gif', '/c2.gif', '/f.gif', '/g.gif', '/h.gif', '/q.gif'])
      images.on(path, (res) => res.writeHead(200, { 'Content-Type': 'image/gif' }).end(GIF_1X1));
    app = await startTestApp({
      fetchImage: imageServerFetcher(images, { 'tracker.evil.example': '127.0.0.1' }),
    });
    origin = new URL(app.url).origin;
    if (haveCorpus) {
      const payloads = corpusPayloads();
      let previous: string | undefined;
      for (let i = 0; i < payloads.length; i += CHUNK) {
        const chunk = payloads.slice(i, i + CHUNK);
        const html = chunk.map((p) => `<div data-case="${p.label}">${p.html}</div>`).join('\n');
        const id = `corpus-${i}`;
        await app.ingestRaw(htmlMail(id, 'XSS corpus sweep', html, previous));
        previous = id;
      }
    }
    await app.ingestRaw(
      htmlMail('remote', 'Remote vectors', remoteVectors(`tracker.evil.example:${images.port}`)),
    );
    await app.ingestRaw(htmlMail('overlay', 'Overlay attempt', OVERLAY));

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
    // Interception, not string matching: every request the page or a frame makes passes here.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (
        url.startsWith(`${origin}/`) ||
        url.startsWith('data:') ||
        url === 'about:blank' ||
        url === 'about:srcdoc'
      ) {
        await route.continue();
      } else {
        offOrigin.push(url);
        await route.abort('blockedbyclient');
      }
    });
    page = await context.newPage();
    page.setDefaultTimeout(UI_MS);
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (msg) => {
      const where = msg.location().url;
      // A broken inline data: image fetches nothing; the 401 is the sign-in page asking who is there.
      const harmless =
        where.startsWith('data:') || (where.endsWith('/api/session') && /401/.test(msg.text()));
      if (msg.type() === 'error' && !harmless) consoleErrors.push(`${msg.text()} @ ${where.slice(0, 80)}`);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await signIn(page, app.url, app.admin.email, app.admin.password);
    await page.getByTestId('thread-row').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await images?.close();
  });

  it.runIf(haveCorpus)('runs no script and makes no request for the whole XSS corpus (H-01)', async () => {
    await openThread('XSS corpus sweep');
    const frames = await showAllFormatted();
    expect(frames).toBeGreaterThan(20);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(offOrigin).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // The top page never navigated, and every frame still shows our own sanitised page.
    expect(page.url()).toBe(`${app.url}/`);
    for (const f of page.frames().slice(1))
      expect(f.url()).toMatch(new RegExp(`^${origin}/api/messages/\\d+/html`));
  });

  it('blocks every remote fetch vector and says how many it blocked (H-13, H-16)', async () => {
    await openThread('Remote vectors');
    await showAllFormatted();
    // The frame shows the mail itself (not an error page), laid out by its own allowed styles.
    expect(await page.frameLocator('[data-testid="mail-iframe"]').locator('body').textContent()).toContain(
      'Remote vectors',
    );
    expect(offOrigin).toEqual([]);
    expect(images.requests).toEqual([]);
    const notice = await page.getByTestId('remote-notice').textContent();
    const blocked = Number(/(\d+) remote items blocked/.exec(notice ?? '')?.[1]);
    expect(blocked).toBeGreaterThanOrEqual(15);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}remote-images-blocked.png` });
    expect(consoleErrors).toEqual([]);
  });

  it('after "show images from this sender", shows them inlined by the server: the frame contacts no host', async () => {
    await page.getByTestId('show-images').click();
    await page.getByTestId('hide-images').waitFor();
    const frame = page.frameLocator('[data-testid="mail-iframe"]');
    const shown = frame.locator('img[src^="data:image/gif;base64,"]');
    await expect.poll(() => shown.count(), { timeout: UI_MS }).toBe(1);
    // Table and cell backgrounds are the server's copies too.
    expect(await frame.locator('[background^="data:image/gif;base64,"]').count()).toBe(2);
    // Decoded as real pictures, not broken-image icons.
    await expect.poll(() => shown.first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await frame.locator('img[src^="http"]').count()).toBe(0);
    expect(await page.getByTestId('remote-notice').textContent()).toMatch(/could not be shown/);
    expect(offOrigin).toEqual([]);
    // The server asked the mail's host for images only: no script, stylesheet, font or media.
    expect(images.requests.length).toBeGreaterThan(0);
    expect(images.requests.filter((r) => !/\.(gif|png)$/.test(r.path))).toEqual([]);
    expect(
      images.requests.every((r) => r.headers.cookie === undefined && r.headers.referer === undefined),
    ).toBe(true);
    await page.getByTestId('hide-images').click();
    await page.getByTestId('show-images').waitFor();
    expect(offOrigin).toEqual([]);
  });

  it('keeps mail content inside its frame: the app buttons stay clickable (H-15)', async () => {
    await openThread('Overlay attempt');
    await showAllFormatted();
    const claim = page.getByTestId('claim');
    const box = (await claim.boundingBox())!;
    const hit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest('[data-testid]')?.getAttribute('data-testid'),
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    expect(hit).toBe('claim');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByTestId('detail-assignee').getByText('Admin').waitFor();
    expect(dialogs).toEqual([]);
    expect(offOrigin).toEqual([]);
  });

  it('runs no script even without the sanitiser: the frame sandbox and CSP alone (H-28)', async () => {
    const unsanitised = [
      '<script>window.top.__pwned = 1; alert(1)</script>',
      '<img src=x onerror="alert(2)"><svg onload="alert(3)"></svg><body onload="alert(4)">',
      '<iframe src="javascript:alert(5)"></iframe><object data="data:text/html,<script>alert(6)</script>"></object>',
      '<input autofocus onfocus="alert(7)"><details open ontoggle="alert(8)"></details>',
      '<a id="go" href="javascript:alert(9)" target="_top">x</a><base href="javascript:alert(10)//">',
      '<form action="javascript:alert(11)"><button id="submit">send</button></form>',
      ...(haveCorpus ? corpusPayloads().map((p) => p.html) : []),
    ].join('\n');
    await page.route(`${origin}/__unsanitised`, (route) =>
      route.fulfill({
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': mailFrameCsp(),
        },
        body: unsanitised,
      }),
    );
    const before = page.url();
    const frameDone = page.waitForEvent('framenavigated', (f) => f.url().endsWith('/__unsanitised'));
    await page.evaluate(
      ([src, sandbox]) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', sandbox!);
        frame.src = src!;
        frame.dataset.testid = 'unsanitised-frame';
        document.body.append(frame);
      },
      [`${origin}/__unsanitised`, MAIL_FRAME_SANDBOX],
    );
    const frame = await frameDone;
    await frame.waitForLoadState('load');
    // Clicks a sandboxed page would need to turn into navigation or a submission.
    await frame
      .locator('#go')
      .click({ timeout: 2000 })
      .catch(() => undefined);
    await frame
      .locator('#submit')
      .click({ timeout: 2000 })
      .catch(() => undefined);
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(page.url()).toBe(before);
  });
});
