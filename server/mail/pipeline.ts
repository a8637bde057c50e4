import type { Db } from '../../db/client.ts';
import { ingestMessage, type IngestOutcome, type IngestSource } from '../commands/ingest-message.ts';
import type { EventBus } from '../events.ts';
import { parseMessage } from './parse.ts';

export interface Pipeline {
  /** Parses, threads and stores one raw message, then publishes its events. */
  ingestRaw(raw: Buffer, source: IngestSource, meta?: { internalDate?: Date | null; oversizedBytes?: number }): Promise<IngestOutcome>;
}

/** The one ingest path shared by IMAP sync and `newsdesk mail import`. */
export function createPipeline(deps: { db: Db; bus: EventBus; now: () => Date; ownAddress: string | null }): Pipeline {
  return {
    async ingestRaw(raw, source, meta) {
      const now = deps.now();
      const parsed = await parseMessage(raw, { internalDate: meta?.internalDate ?? null, now });
      if (meta?.oversizedBytes) {
        parsed.parseError = `too large to download (${meta.oversizedBytes} bytes); the original is still on the mail server`;
      }
      const outcome = ingestMessage(deps.db, parsed, source, { ownAddress: deps.ownAddress, now });
      deps.bus.publish(outcome.events);
      return outcome;
    },
  };
}
