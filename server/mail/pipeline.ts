import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.ts';
import { ingestMessage, type IngestOutcome, type IngestSource } from '../commands/ingest-message.ts';
import type { EventBus } from '../events.ts';
import { senderTrust } from '../domain/sender-trust.ts';
import type { AuthVerdict } from './auth/verify.ts';
import { parseMessage, type ParsedMessage } from './parse.ts';

export interface Pipeline {
  /** Parses, threads and stores one raw message, then publishes its events. */
  ingestRaw(
    raw: Buffer,
    source: IngestSource,
    meta?: { internalDate?: Date | null; oversizedBytes?: number },
  ): Promise<IngestOutcome>;
}

export interface PipelineDeps {
  db: Db;
  bus: EventBus;
  now: () => Date;
  ownAddress: string | null;
  timeZone?: string;
  logger?: Pick<FastifyBaseLogger, 'error'>;
  /** DKIM/SPF/DMARC/ARC verification; absent for archive imports, where keys have long rotated. */
  verify?: (raw: Buffer) => Promise<AuthVerdict>;
}

/**
 * The same message stripped of what the threading and storage steps read beyond the basics: if a
 * message trips a bug there, it is still stored (with its raw bytes) and shown, and sync goes on.
 */
function quarantined(parsed: ParsedMessage, err: unknown): ParsedMessage {
  return {
    ...parsed,
    inReplyTo: [],
    references: [],
    attachments: [],
    html: null,
    parseError: `could not be fully processed (${(err as Error).message}); showing what could be read`,
  };
}

/** Verifies the sender (bounded DNS time) and judges what staff should be told about it. */
async function assessSender(parsed: ParsedMessage, deps: PipelineDeps): Promise<void> {
  let verdict: AuthVerdict | null = null;
  if (deps.verify) {
    try {
      verdict = await deps.verify(parsed.raw);
    } catch (err) {
      // Verification must never stop mail; the message is simply shown as unverified.
      deps.logger?.error({ err, messageId: parsed.messageId }, 'sender verification failed');
    }
  }
  parsed.sender = { verdict, trust: judgeSender(parsed, verdict, deps.ownAddress) };
}

/** What staff are told about a sender, given the verification verdict (null when none ran). */
export function judgeSender(parsed: ParsedMessage, verdict: AuthVerdict | null, ownAddress: string | null) {
  const ownDomains = ownAddress ? [ownAddress.split('@')[1]!] : [];
  return senderTrust(verdict, parsed.from, parsed.headers.get('from')?.[0] ?? '', ownDomains);
}

/** The one ingest path shared by IMAP sync and `newsdesk mail import`. */
export function createPipeline(deps: PipelineDeps): Pipeline {
  return {
    async ingestRaw(raw, source, meta) {
      const now = deps.now();
      const parsed = await parseMessage(raw, { internalDate: meta?.internalDate ?? null, now });
      if (meta?.oversizedBytes) {
        parsed.parseError = `too large to download (${meta.oversizedBytes} bytes); the original is still on the mail server`;
      }
      await assessSender(parsed, deps);
      const options = {
        ownAddress: deps.ownAddress,
        now,
        ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
      };
      let outcome: IngestOutcome;
      try {
        outcome = ingestMessage(deps.db, parsed, source, options);
      } catch (err) {
        // The store itself failing (disk full, locked) is worth a retry later, not a reduced copy.
        if ((err as Error).name === 'SqliteError') throw err;
        // A second failure means the store itself is failing: let the caller retry later.
        deps.logger?.error(
          { err, messageId: parsed.messageId },
          'ingest failed; storing the message in a reduced form',
        );
        outcome = ingestMessage(deps.db, quarantined(parsed, err), source, { ...options, minimal: true });
      }
      deps.bus.publish(outcome.events);
      return outcome;
    },
  };
}
