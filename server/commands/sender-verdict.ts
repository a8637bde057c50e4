import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { attachments, messages } from '../../db/schema.ts';
import type { SenderTrust } from '../domain/sender-trust.ts';
import type { AuthVerdict } from '../mail/auth/verify.ts';
import { toApiMessage } from '../presenters/thread.ts';
import type { SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents } from './append-events.ts';

/** Bookkeeping kept beside the verdict, so a re-check job knows how often it already asked DNS. */
export interface RecheckState {
  rechecks: number;
  lastRecheckAt: number;
}

/**
 * Stores a fresh verification of an already stored message. Staff hear of it (`message.updated`)
 * only when what they are shown changed; otherwise only the re-check bookkeeping moves.
 */
export function recordSenderVerdict(
  db: Db,
  messageRowId: number,
  verdict: AuthVerdict,
  trust: SenderTrust,
  recheck: RecheckState,
  now: Date,
): SequencedEvent[] {
  return db.transaction((tx) => {
    const before = tx.select().from(messages).where(eq(messages.id, messageRowId)).get();
    if (!before) return [];
    const senderTrust = { level: trust.level, warnings: trust.warnings };
    const changed =
      before.auth !== verdict.summary || JSON.stringify(before.senderTrust) !== JSON.stringify(senderTrust);
    const after = tx
      .update(messages)
      .set({
        auth: verdict.summary,
        authDetail: { ...(verdict as unknown as Record<string, unknown>), ...recheck },
        senderTrust,
      })
      .where(eq(messages.id, messageRowId))
      .returning()
      .get();
    if (!changed || !after) return [];
    const files = tx.select().from(attachments).where(eq(attachments.messageRowId, messageRowId)).all();
    return appendEvents(
      tx,
      [{ type: 'message.updated', threadId: after.threadId, message: toApiMessage(after, files) }],
      now,
    );
  });
}
