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
    case 'thread.merged':
      return event.threadId;
    default:
      return null;
  }
}

/** Records events inside the caller's transaction; the returned seqs are what clients resume from. */
export function appendEvents(
  tx: Tx | Db,
  domainEvents: readonly DomainEvent[],
  now: Date,
  actorUserId: number | null = null,
): SequencedEvent[] {
  return domainEvents.map((event) => {
    const row = tx
      .insert(events)
      .values({
        type: event.type,
        threadId: threadIdOf(event),
        actorUserId,
        payload: event as unknown as Record<string, unknown>,
        createdAt: now,
      })
      .returning({ seq: events.seq })
      .get();
    return { ...event, seq: row.seq } as SequencedEvent;
  });
}
