/**
 * Found while writing the I-01/I-09 tests: during an IMAP backfill the whole server stops answering
 * (HTTP, health, websockets) until a FETCH batch of up to 200 messages is ingested, because the
 * ingest loop only awaits promises that settle as microtasks and never yields to the event loop.
 * Related to I-12 (50,000-message initial sync). Expected to fail until the supervisor yields
 * between messages.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../server/mail/compose-raw.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { mailStackAvailable, startMailStack, type MailStack } from '../support/mailstack.ts';
import { pollUntil } from '../support/poll-until.ts';
import { appendMessages } from '../support/send-mail.ts';

const USER = 'newsdesk@newsdesk.test';
const TOTAL = 250;
// One message's parse + transaction is a few ms to a few tens of ms; half a second means the loop
// was held across many messages.
const MAX_BLOCK_MS = 500;

describe.skipIf(!mailStackAvailable().ok)('backfill keeps the server responsive', () => {
  let stack: MailStack;
  let t: TestApp | undefined;

  beforeAll(async () => {
    stack = await startMailStack();
    const raws = Array.from(
      { length: TOTAL },
      (_, i) =>
        composeRawMessage({
          from: { name: `Reporter ${i % 40}`, address: `reporter${i % 40}@paper.test` },
          to: USER,
          subject: `Responsiveness enquiry ${i}`,
          text: `Enquiry ${i}.\n${'statement '.repeat(100 + ((i * 131) % 900))}`,
          messageId: `responsive-${i}@paper.test`,
        }).raw,
    );
    await appendMessages(stack, USER, raws);
  });

  afterAll(async () => {
    await t?.close();
    await stack?.stop();
  });

  it(`never blocks the event loop for more than ${MAX_BLOCK_MS} ms while ingesting ${TOTAL} messages`, async () => {
    const t0 = performance.now();
    t = await startTestApp({ listen: false, env: { NEWSDESK_IMAP_URL: stack.imapUrl() } });
    const app = t;
    // Measured from here: app start-up (migrations, first admin) is not what this test is about, and
    // the IMAP connect + first FETCH take far longer than this line.
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    await pollUntil(
      () => (app.db.$client.prepare('select count(*) n from messages').get() as { n: number }).n === TOTAL,
      {
        timeoutMs: 40_000,
        what: `${TOTAL} messages stored`,
      },
    );
    histogram.disable();
    const elapsed = performance.now() - t0;
    const maxMs = histogram.max / 1e6;
    console.log(
      `backfill of ${TOTAL} messages in ${elapsed.toFixed(0)} ms (${((TOTAL / elapsed) * 1000).toFixed(0)} msg/s in-process); ` +
        `event loop blocked for up to ${maxMs.toFixed(0)} ms (p99 ${(histogram.percentile(99) / 1e6).toFixed(0)} ms)`,
    );
    expect(maxMs).toBeLessThan(MAX_BLOCK_MS);
  });
});
