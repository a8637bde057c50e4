/**
 * The triage board in headless Chromium: first render and full load of a 10,000-thread inbox, a jump
 * to the middle of the virtualised list, and the time from a committed websocket event to its row
 * on screen. Baselines from the same run: the same app with 100 threads, and a bare page that puts a
 * websocket message into the DOM with no framework, store or sorting at all.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { blobs, contacts, messages, threads } from '../db/schema.ts';
import { appendEvents } from '../server/commands/append-events.ts';
import { presentThread } from '../server/presenters/thread.ts';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { browserAvailable, launchBrowser } from '../test/support/browser.ts';
import { fmtMs, log, percentile, type Section } from './util.ts';

const ROW = '[data-testid="thread-row"]';

/** Inserts `count` threads (one inbound message each) straight into the store: seeding, not ingest. */
function seedThreads(app: TestApp, count: number, startAt: number): void {
  const raw = Buffer.from('From: seed@example.org\r\n\r\nseed\r\n');
  const sha = createHash('sha256').update(raw).digest('hex');
  const now = new Date();
  app.db.transaction((tx) => {
    tx.insert(blobs).values({ sha256: sha, size: raw.length, data: raw }).onConflictDoNothing().run();
    for (let i = 0; i < count; i++) {
      const at = new Date(startAt - i * 60_000);
      const contact = tx
        .insert(contacts)
        .values({ email: `reporter${i}@outlet${i % 97}.example`, name: `Reporter ${i}`, createdAt: now })
        .returning({ id: contacts.id })
        .get();
      const thread = tx
        .insert(threads)
        .values({
          subject: `Enquiry ${i}: figures for the regional budget`,
          normalizedSubject: `enquiry ${i}`,
          contactId: contact.id,
          status: i % 5 === 0 ? 'open' : 'new',
          messageCount: 1,
          firstMessageAt: at,
          lastActivityAt: at,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: threads.id })
        .get();
      tx.insert(messages)
        .values({
          messageId: `<seed-${i}@outlet.example>`,
          contentHash: `seed-${i}`,
          rawSha256: sha,
          size: raw.length,
          fromAddress: `reporter${i}@outlet${i % 97}.example`,
          fromName: `Reporter ${i}`,
          subject: `Enquiry ${i}`,
          date: at,
          text: `Could you send the figures for region ${i} before the end of the day? Thanks.`,
          threadId: thread.id,
          createdAt: now,
        })
        .run();
    }
  });
}

/** A new thread committed with its event, then published: what a command does. Returns publish time. */
function publishNewThread(app: TestApp, n: number): { id: number; at: number } {
  const now = new Date();
  const events = app.db.transaction((tx) => {
    const thread = tx
      .insert(threads)
      .values({
        subject: `Live probe ${n}`,
        normalizedSubject: `live probe ${n}`,
        messageCount: 1,
        firstMessageAt: now,
        lastActivityAt: new Date(now.getTime() + 24 * 3600_000),
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: threads.id })
      .get();
    return appendEvents(tx, [{ type: 'thread.created', thread: presentThread(tx, thread.id)! }], now);
  });
  const at = Date.now();
  app.app.bus.publish(events);
  const first = events[0]!;
  return { id: first.type === 'thread.created' ? first.thread.id : 0, at };
}

async function signedInPage(browser: Browser, app: TestApp): Promise<Page> {
  const cookie = (await app.login()).split('=');
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addCookies([{ name: cookie[0]!, value: cookie.slice(1).join('='), url: app.url }]);
  return context.newPage();
}

interface AppFigures {
  firstRowMs: number;
  fullListMs: number;
  domRows: number;
  jumpMs: number;
  eventToRow: number[];
}

async function measureApp(
  browser: Browser,
  app: TestApp,
  total: number,
  probes: number,
): Promise<AppFigures> {
  const page = await signedInPage(browser, app);
  await page.goto(app.url);
  // Navigation start → first row in the DOM, and → every thread of the view loaded.
  const firstRowMs = await page.evaluate(async (sel) => {
    while (!document.querySelector(sel)) await new Promise((r) => requestAnimationFrame(r));
    return performance.now();
  }, ROW);
  // (No named helpers inside evaluated functions: tsx would wrap them in a helper the page lacks.)
  const fullListMs = await page.evaluate(async (n) => {
    while (Number(document.querySelector('[data-testid="list-count"]')?.getAttribute('data-total')) < n)
      await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => requestAnimationFrame(r));
    return performance.now();
  }, total);
  const domRows = await page.locator(ROW).count();
  // Jump to the middle: time until the rows there are in the DOM and painted.
  const jumpMs = await page.evaluate(async () => {
    const scroller = document.querySelector('[data-testid="thread-scroller"]')!;
    const t0 = performance.now();
    scroller.scrollTop = scroller.scrollHeight / 2;
    const target = Math.floor(scroller.scrollHeight / 2 / 104);
    while (
      ![...document.querySelectorAll('[aria-posinset]')].some(
        (el) => Math.abs(Number(el.getAttribute('aria-posinset')) - target) < 3,
      )
    )
      await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  });
  await page.evaluate(() => {
    document.querySelector('[data-testid="thread-scroller"]')!.scrollTop = 0;
  });
  const eventToRow: number[] = [];
  for (let i = 0; i < probes; i++) {
    await page.evaluate(() => {
      const w = window as unknown as { __seen?: Map<string, number>; __observer?: MutationObserver };
      if (!w.__observer) {
        w.__seen = new Map();
        w.__observer = new MutationObserver((records) => {
          for (const r of records)
            for (const node of r.addedNodes)
              if (node instanceof HTMLElement) {
                const id = node.getAttribute('data-thread-id');
                // The next frame: the row is on screen once this frame paints.
                if (id && !w.__seen!.has(id)) requestAnimationFrame(() => w.__seen!.set(id, Date.now()));
              }
        });
        w.__observer.observe(document.body, { childList: true, subtree: true });
      }
    });
    const { id, at } = publishNewThread(app, i);
    const shownAt = await page.evaluate(async (tid) => {
      const w = window as unknown as { __seen: Map<string, number> };
      while (!w.__seen.has(String(tid))) await new Promise((r) => setTimeout(r, 1));
      return w.__seen.get(String(tid))!;
    }, id);
    eventToRow.push(shownAt - at);
  }
  await page.context().close();
  return { firstRowMs, fullListMs, domRows, jumpMs, eventToRow };
}

/** The floor: a websocket message appended to a list by a few lines of plain DOM code. */
async function measureBare(browser: Browser, probes: number): Promise<number[]> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  const connected = new Promise<ServerSocket>((r) => wss.once('connection', r));
  const page = await browser.newPage();
  await page.setContent('<ul id="rows"></ul>');
  await page.evaluate((p) => {
    const w = window as unknown as { __seen: Map<string, number> };
    w.__seen = new Map();
    const list = document.getElementById('rows')!;
    new MutationObserver((records) => {
      for (const r of records)
        for (const node of r.addedNodes)
          if (node instanceof HTMLElement) {
            const id = node.dataset.id!;
            requestAnimationFrame(() => w.__seen.set(id, Date.now()));
          }
    }).observe(list, { childList: true });
    const ws = new WebSocket(`ws://127.0.0.1:${p}/`);
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id: string; subject: string };
      const li = document.createElement('li');
      li.dataset.id = msg.id;
      li.textContent = msg.subject;
      list.prepend(li);
    };
  }, port);
  const socket = await connected;
  const out: number[] = [];
  for (let i = 0; i < probes; i++) {
    const at = Date.now();
    socket.send(JSON.stringify({ id: String(i), subject: `Live probe ${i}` }));
    const shownAt = await page.evaluate(async (id) => {
      const w = window as unknown as { __seen: Map<string, number> };
      while (!w.__seen.has(id)) await new Promise((r) => setTimeout(r, 1));
      return w.__seen.get(id)!;
    }, String(i));
    out.push(shownAt - at);
  }
  await page.close();
  await new Promise<void>((r) => wss.close(() => r()));
  return out;
}

const median = (values: number[]): number => percentile(values, 50);
const ratio = (a: number, b: number): string => `${(a / Math.max(b, 0.5)).toFixed(2)}×`;

export async function runUiBench(options: { threads?: number; probes?: number } = {}): Promise<Section> {
  const big = options.threads ?? 10_000;
  const probes = options.probes ?? 20;
  const availability = browserAvailable();
  if (!availability.ok) return { title: 'Triage board UI', lines: [`skipped: ${availability.reason}`] };
  log(`ui: seeding ${big} and 100 threads, then measuring in headless Chromium`);
  const small = await startTestApp();
  const large = await startTestApp();
  const browser = await launchBrowser();
  try {
    const start = Date.now() - 3600_000;
    seedThreads(small, 100, start);
    seedThreads(large, big, start);
    // Warm-up: the first page load pays for compiling the bundle; not reported.
    await measureApp(browser, small, 100, 2);
    const base = await measureApp(browser, small, 100, probes);
    const full = await measureApp(browser, large, big, probes);
    const bare = await measureBare(browser, probes);
    const row = (label: string, value: string) => `${label.padEnd(40)}${value}`;
    const lines = [
      `${big.toLocaleString('en')} threads vs 100 threads (same app, same run); bare = websocket message → plain DOM insert`,
      row(
        'first row on screen after navigation',
        `${fmtMs(full.firstRowMs)} vs ${fmtMs(base.firstRowMs)}  (${ratio(full.firstRowMs, base.firstRowMs)})`,
      ),
      row(
        'whole view loaded and rendered',
        `${fmtMs(full.fullListMs)} vs ${fmtMs(base.fullListMs)}  (${ratio(full.fullListMs, base.fullListMs)})`,
      ),
      row(
        `rows in the DOM with ${big} loaded`,
        `${full.domRows} (virtualised; 100-thread app: ${base.domRows})`,
      ),
      row('jump to the middle, rows painted', `${fmtMs(full.jumpMs)} vs ${fmtMs(base.jumpMs)}`),
      row(
        'event → row painted, median',
        `${fmtMs(median(full.eventToRow))} vs ${fmtMs(median(base.eventToRow))} vs bare ${fmtMs(median(bare))}  (${ratio(median(full.eventToRow), median(bare))} bare)`,
      ),
      row(
        'event → row painted, p95',
        `${fmtMs(percentile(full.eventToRow, 95))} vs ${fmtMs(percentile(base.eventToRow, 95))} vs bare ${fmtMs(percentile(bare, 95))}`,
      ),
      `(${probes} live probes each: an event committed with its seq, published on the bus, relayed by the hub, applied by`,
      ' apply-event.ts and rendered; times are frame-aligned, so differences under ~16 ms are one frame)',
    ];
    return { title: 'Triage board UI', lines };
  } finally {
    await browser.close();
    await small.close();
    await large.close();
  }
}
