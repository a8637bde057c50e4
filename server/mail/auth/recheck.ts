import { and, eq, gte, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../db/client.ts';
import { blobs, messages } from '../../../db/schema.ts';
import { recordSenderVerdict } from '../../commands/sender-verdict.ts';
import type { EventBus } from '../../events.ts';
import { parseMessage } from '../parse.ts';
import { judgeSender } from '../pipeline.ts';
import type { AuthVerdict } from './verify.ts';

export interface SenderRecheckOptions {
  db: Db;
  bus: EventBus;
  now: () => Date;
  ownAddress: string | null;
  /** Verifies raw bytes as of the time the message was received (DKIM expiry is judged then). */
  verify: (raw: Buffer, receivedAt: Date) => Promise<AuthVerdict>;
  logger?: Pick<FastifyBaseLogger, 'warn'>;
  /** First wait after ingest; each further re-check waits twice as long (5, 10, 20… minutes). */
  firstDelayMs?: number;
  maxRechecks?: number;
  /** Older messages are left as they are: a verdict days late helps nobody triage. */
  maxAgeMs?: number;
  tickMs?: number;
}

const BATCH = 20;

/**
 * A DNS failure during ingest leaves a message "temperror" (RFC 7208 §2.6.6, RFC 6376 §6.1.2 say to
 * try again later). This job does: with doubling gaps, for a bounded time, a few messages per tick.
 */
export class SenderRecheck {
  readonly #o: Required<Omit<SenderRecheckOptions, 'logger'>> & Pick<SenderRecheckOptions, 'logger'>;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;

  constructor(options: SenderRecheckOptions) {
    this.#o = {
      firstDelayMs: 5 * 60_000,
      maxRechecks: 6,
      maxAgeMs: 24 * 3_600_000,
      tickMs: 60_000,
      ...options,
    };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runOnce(), this.#o.tickMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Re-verifies the messages that are due; returns how many were checked. */
  runOnce(): Promise<number> {
    this.#running ??= this.#run().finally(() => (this.#running = null));
    return this.#running;
  }

  async #run(): Promise<number> {
    const { db, now, firstDelayMs, maxRechecks } = this.#o;
    const at = now();
    const rechecks = sql<number>`coalesce(json_extract(${messages.authDetail}, '$.rechecks'), 0)`;
    const last = sql<number>`coalesce(json_extract(${messages.authDetail}, '$.lastRecheckAt'), ${messages.createdAt})`;
    const due = db
      .select({ id: messages.id, createdAt: messages.createdAt, rechecks, raw: blobs.data })
      .from(messages)
      .innerJoin(blobs, eq(blobs.sha256, messages.rawSha256))
      .where(
        and(
          eq(messages.auth, 'temperror'),
          gte(messages.createdAt, new Date(at.getTime() - this.#o.maxAgeMs)),
          sql`${rechecks} < ${maxRechecks}`,
          sql`${last} + ${firstDelayMs} * (1 << ${rechecks}) <= ${at.getTime()}`,
        ),
      )
      .limit(BATCH)
      .all();
    for (const row of due) {
      try {
        const verdict = await this.#o.verify(row.raw, row.createdAt);
        const parsed = await parseMessage(row.raw, { internalDate: row.createdAt, now: at });
        const trust = judgeSender(parsed, verdict, this.#o.ownAddress);
        const events = recordSenderVerdict(
          db,
          row.id,
          verdict,
          trust,
          { rechecks: row.rechecks + 1, lastRecheckAt: now().getTime() },
          now(),
        );
        this.#o.bus.publish(events);
      } catch (err) {
        this.#o.logger?.warn({ err, messageRowId: row.id }, 'sender re-check failed');
      }
    }
    return due.length;
  }
}
