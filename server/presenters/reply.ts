import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox, users } from '../../db/schema.ts';
import type { Tx } from '../commands/append-events.ts';
import type { Reply } from '../schemas/api.ts';

type Reader = Db | Tx;

const replyColumns = {
  id: outbox.id,
  threadId: outbox.threadId,
  messageRowId: outbox.messageRowId,
  state: outbox.state,
  attempts: outbox.attempts,
  lastError: outbox.lastError,
  sendAfter: outbox.sendAfter,
  sentAt: outbox.sentAt,
  sentCopy: outbox.sentCopy,
  returnNote: outbox.returnNote,
  authorId: users.id,
  authorName: users.name,
};

type ReplyRow = ReturnType<ReturnType<typeof replyQuery>['all']>[number];

function replyQuery(db: Reader) {
  return db.select(replyColumns).from(outbox).leftJoin(users, eq(users.id, outbox.authorUserId));
}

function toReply(row: ReplyRow): Reply {
  return {
    id: row.id,
    threadId: row.threadId,
    messageRowId: row.messageRowId,
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    sendAfter: row.sendAfter.toISOString(),
    sentAt: row.sentAt ? row.sentAt.toISOString() : null,
    author:
      row.authorId !== null && row.authorName !== null ? { id: row.authorId, name: row.authorName } : null,
    sentCopy: row.sentCopy,
    returnNote: row.returnNote,
  };
}

/** One reply as the API and the websocket show it; null if absent. */
export function presentReply(db: Reader, replyId: number): Reply | null {
  const row = replyQuery(db).where(eq(outbox.id, replyId)).get();
  return row ? toReply(row) : null;
}

/** The replies behind outgoing messages, by message row id, in one query. */
export function repliesForMessages(db: Reader, messageRowIds: number[]): Map<number, Reply> {
  if (messageRowIds.length === 0) return new Map();
  const rows = replyQuery(db).where(inArray(outbox.messageRowId, messageRowIds)).all();
  return new Map(rows.map((row) => [row.messageRowId!, toReply(row)]));
}
