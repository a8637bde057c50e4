import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

/** Files attached to a reply that was never sent are kept this long, then removed. */
export const UPLOAD_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * Removes old uploads, and their bytes when nothing else (a sent reply's attachment, a message, the
 * outbox) holds the same content. Sent attachments live on in `attachments`, so nothing sent is lost.
 * Returns how many uploads were removed.
 */
export function pruneUploads(db: Db, now: Date, retentionMs = UPLOAD_RETENTION_MS): number {
  const cutoff = now.getTime() - retentionMs;
  return db.transaction((tx) => {
    const old = tx.all<{ id: number; sha256: string }>(
      sql`select id, sha256 from uploads where created_at < ${cutoff}`,
    );
    if (old.length === 0) return 0;
    tx.run(sql`delete from uploads where created_at < ${cutoff}`);
    for (const sha256 of new Set(old.map((u) => u.sha256))) {
      tx.run(sql`
        delete from blobs where sha256 = ${sha256}
          and not exists (select 1 from uploads where sha256 = ${sha256})
          and not exists (select 1 from attachments where sha256 = ${sha256})
          and not exists (select 1 from messages where raw_sha256 = ${sha256})
          and not exists (select 1 from outbox where raw_sha256 = ${sha256})`);
    }
    return old.length;
  });
}
