import { sql } from 'drizzle-orm';
import { events } from '../../db/schema.ts';
import type { Db } from '../../db/client.ts';
import type { DomainEvent, SequencedEvent } from '../schemas/realtime.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function threadIdOf(event: DomainEvent): number | null {
  switch (event.type) {
    case 'thread.created':
    case 'thread.updated':
      return event.thread.id;
    case 'message.created':
    case 'message.updated':
    case 'thread.merged':
    case 'note.created':
    case 'reply.status':
      return event.threadId;
    default:
      return null;
  }
}

// Prepared once per connection: every ingested message records two or three events.
const preparedInserts = new WeakMap<
  object,
  { get(values: Record<string, unknown>): { seq: number } | undefined }
>();

/** Records events inside the caller's transaction; the returned seqs are what clients resume from. */
export function appendEvents(
  tx: Tx | Db,
  domainEvents: readonly DomainEvent[],
  now: Date,
  actorUserId: number | null = null,
): SequencedEvent[] {
  let insert = preparedInserts.get(tx);
  if (!insert) {
    const p = (name: string) => sql.placeholder(name);
    insert = tx
      .insert(events)
      .values({
        type: p('type'),
        threadId: p('threadId'),
        actorUserId: p('actorUserId'),
        payload: p('payload'),
        createdAt: p('createdAt'),
      })
      .returning({ seq: events.seq })
      .prepare();
    preparedInserts.set(tx, insert);
  }
  return domainEvents.map((event) => {
    const row = insert.get({
      type: event.type,
      threadId: threadIdOf(event),
      actorUserId,
      payload: event,
      createdAt: now,
    })!;
    return { ...event, seq: row.seq } as SequencedEvent;
  });
}
