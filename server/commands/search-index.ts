import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contacts, messages } from '../../db/schema.ts';
import { ftsQuery, indexText } from '../domain/search-text.ts';
import type { Tx } from './append-events.ts';

type Writer = Db | Tx;

// Bodies beyond this are rare (pasted reports) and add little but index size.
const MAX_INDEXED_BODY = 100_000;

export interface IndexableMessage {
  id: number;
  subject: string;
  text: string;
  fromName: string | null;
  fromAddress: string;
  /** The sender's outlet from their contact record, when known. */
  outlet: string | null;
}

function senderText(m: IndexableMessage): string {
  return [m.fromName, m.fromAddress, m.outlet].filter(Boolean).join(' ');
}

/** Adds one message to the full-text index; call inside the transaction that stores it. */
export function indexMessage(db: Writer, message: IndexableMessage): void {
  db.run(
    sql`insert into search_index(rowid, subject, body, sender) values (${message.id}, ${indexText(
      message.subject,
    )}, ${indexText(message.text.slice(0, MAX_INDEXED_BODY))}, ${indexText(senderText(message))})`,
  );
}

/** The outlet recorded for a sender address, for the index's sender column. */
export function outletOf(db: Writer, address: string): string | null {
  if (!address) return null;
  return (
    db
      .select({ outlet: contacts.outlet })
      .from(contacts)
      .where(sql`${contacts.email} = ${address}`)
      .get()?.outlet ?? null
  );
}

const BACKFILL_BATCH = 500;

/**
 * Fills an empty index from the stored messages (a database from before search existed). Runs in
 * batches of short transactions so a large archive does not hold one long write lock. Returns the
 * number of messages indexed; 0 when the index already had rows.
 */
export function backfillSearchIndex(db: Db): number {
  const hasRows = db.$client.prepare('select 1 from search_index limit 1').get() !== undefined;
  if (hasRows) return 0;
  let after = 0;
  let total = 0;
  for (;;) {
    const rows = db
      .select({
        id: messages.id,
        subject: messages.subject,
        text: messages.text,
        fromName: messages.fromName,
        fromAddress: messages.fromAddress,
        outlet: contacts.outlet,
      })
      .from(messages)
      .leftJoin(contacts, sql`${contacts.email} = ${messages.fromAddress}`)
      .where(sql`${messages.id} > ${after}`)
      .orderBy(messages.id)
      .limit(BACKFILL_BATCH)
      .all();
    if (rows.length === 0) return total;
    db.transaction((tx) => {
      for (const row of rows) indexMessage(tx, row);
    });
    total += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

export interface SearchHit {
  threadId: number;
  messageId: number;
  score: number;
}

const MAX_MESSAGE_HITS = 2_000;

// Subject words weigh most, then who sent it, then the body.
const WEIGHTS = '4.0, 1.0, 2.0';

/**
 * Live threads whose messages match every word of `query` (as prefixes), one hit per thread (its
 * best message), best first. bm25 is negative: lower is better.
 */
export function searchThreads(db: Db, query: string, limit: number): SearchHit[] {
  const match = ftsQuery(query);
  if (!match) return [];
  // bm25() only works in a plain scan of the FTS table, so the hits are materialised first (the
  // best few thousand: enough for one page of threads), then grouped per thread.
  const statement = db.$client.prepare(
    `with hits as materialized (
       select rowid as id, bm25(search_index, ${WEIGHTS}) as score
         from search_index where search_index match ? order by score limit ${MAX_MESSAGE_HITS}
     )
     select m.thread_id as threadId, m.id as messageId, min(hits.score) as score
       from hits
       join messages m on m.id = hits.id
       join threads t on t.id = m.thread_id
      where t.merged_into is null
      group by m.thread_id
      order by score, m.thread_id desc
      limit ?`,
  );
  return statement.all(match, limit) as SearchHit[];
}
