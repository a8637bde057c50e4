import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

/**
 * The newest events keep their full payload: that is what a reconnecting client replays (the hub
 * replays at most 1,000 and sends "reload" beyond that). Older ones are the audit trail only, so
 * the message text they carried (already stored in `messages`) is dropped from them.
 */
export const FULL_PAYLOAD_EVENTS = 5_000;
const WATERMARK_KEY = 'events.compactedThrough';
const BATCH = 2_000;

function watermark(db: Db): number {
  const row = db.get<{ value: string } | undefined>(
    sql`select value from settings where key = ${WATERMARK_KEY}`,
  );
  return row ? Number(JSON.parse(row.value)) : 0;
}

/**
 * Compacts one batch of old events in its own short transaction; returns how many seqs it covered
 * (0 when nothing is left), so a caller can yield between batches.
 */
export function compactEventsBatch(db: Db, now: Date, keepFull = FULL_PAYLOAD_EVENTS): number {
  return db.transaction((tx) => {
    const from = watermark(tx as unknown as Db);
    const head = tx.get<{ seq: number | null }>(sql`select max(seq) as seq from events`).seq ?? 0;
    const to = Math.min(head - keepFull, from + BATCH);
    if (to <= from) return 0;
    tx.run(sql`
      update events
         set payload = json_set(json_remove(payload, '$.message.text', '$.message.html'),
                                '$.message.compacted', json('true'))
       where seq > ${from} and seq <= ${to}
         and type in ('message.created', 'message.updated')
         and json_type(payload, '$.message.text') is not null`);
    tx.run(sql`
      insert into settings (key, value, updated_at) values (${WATERMARK_KEY}, ${JSON.stringify(to)}, ${now.getTime()})
      on conflict(key) do update set value = excluded.value, updated_at = excluded.updated_at`);
    return to - from;
  });
}

/** Compacts everything due, yielding to the event loop between batches so ingest never waits long. */
export async function compactEvents(
  db: Db,
  now: () => Date,
  keepFull = FULL_PAYLOAD_EVENTS,
): Promise<number> {
  let total = 0;
  for (;;) {
    const done = compactEventsBatch(db, now(), keepFull);
    if (done === 0) return total;
    total += done;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
