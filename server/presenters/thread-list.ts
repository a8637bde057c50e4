import { and, asc, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { messages, releases, threadReads, threads } from '../../db/schema.ts';
import { dayBounds, decodeCursor, encodeCursor, orderKeyOf, type OrderKey } from '../domain/thread-order.ts';
import type { ThreadCounts, ThreadListQuery, ThreadSummary } from '../schemas/api.ts';
import { summaryQuery, toSummary, withReadState } from './thread.ts';

type Status = (typeof threads.status.enumValues)[number];
const STATUSES = threads.status.enumValues;

const isActive = sql`${threads.status} in ('new', 'open', 'waiting')`;
// Mirrors domain/thread-order sortDeadline: answered and closed threads have nothing due.
const sortDeadline = sql<number | null>`(case when ${isActive} then ${threads.deadline} end)`;
const threadLanguage = sql<
  string | null
>`(select ${messages.language} from ${messages} where ${messages.threadId} = ${threads.id} and ${messages.direction} = 'in' order by ${messages.date}, ${messages.id} limit 1)`;
const lastInbound = sql<
  number | null
>`(select max(${messages.date}) from ${messages} where ${messages.threadId} = ${threads.id} and ${messages.direction} = 'in' and ${messages.kind} = 'human')`;

export interface ListContext {
  userId: number;
  now: Date;
  timeZone: string;
}

/** Every release id in the translation family of `releaseId` (empty when it does not exist). */
export function familyReleaseIds(db: Db, releaseId: number): number[] {
  const family = sql`(select coalesce(${releases.familyId}, ${releases.id}) from ${releases} where ${releases.id} = ${releaseId})`;
  return db
    .select({ id: releases.id })
    .from(releases)
    .where(sql`coalesce(${releases.familyId}, ${releases.id}) = ${family}`)
    .all()
    .map((r) => r.id);
}

/** The WHERE conditions of a list query (without the cursor). */
export function listConditions(db: Db, query: ThreadListQuery, ctx: ListContext): SQL | undefined {
  const conditions: (SQL | undefined)[] = [isNull(threads.mergedInto)];
  switch (query.view) {
    case 'mine':
      conditions.push(eq(threads.assigneeId, ctx.userId));
      break;
    case 'unassigned':
      conditions.push(isNull(threads.assigneeId));
      break;
    case 'unlinked':
      conditions.push(isNull(threads.releaseId));
      break;
    default:
      break;
  }
  if (query.releaseId !== undefined) {
    const ids = familyReleaseIds(db, query.releaseId);
    conditions.push(ids.length > 0 ? inArray(threads.releaseId, ids) : sql`0`);
  }
  if (query.status) {
    const wanted = query.status
      .split(',')
      .filter((s): s is Status => (STATUSES as readonly string[]).includes(s));
    conditions.push(inArray(threads.status, wanted));
  }
  if (query.language) conditions.push(sql`${threadLanguage} = ${query.language}`);
  if (query.deadline === 'overdue') {
    conditions.push(isActive, isNotNull(threads.deadline), sql`${threads.deadline} < ${ctx.now.getTime()}`);
  } else if (query.deadline === 'today') {
    // Everything due by the end of the office's day, overdue included: what must be done today.
    const { end } = dayBounds(ctx.now, ctx.timeZone);
    conditions.push(isActive, isNotNull(threads.deadline), sql`${threads.deadline} < ${end}`);
  }
  if (query.tag) {
    conditions.push(sql`exists (select 1 from json_each(${threads.tags}) where value = ${query.tag})`);
  }
  return and(...conditions);
}

/** Rows strictly after `key` in inbox order (see domain/thread-order compareOrderKeys). */
function afterKey(key: OrderKey): SQL {
  const laterInGroup = sql`(${threads.lastActivityAt} < ${key.lastActivityAt} or (${threads.lastActivityAt} = ${key.lastActivityAt} and ${threads.id} < ${key.id}))`;
  if (key.deadline === null) return sql`(${sortDeadline} is null and ${laterInGroup})`;
  return sql`(${sortDeadline} is null or ${sortDeadline} > ${key.deadline} or (${sortDeadline} = ${key.deadline} and ${laterInGroup}))`;
}

/** A page of the inbox for one officer, filtered, in inbox order, with their read state. */
export function listThreads(
  db: Db,
  query: ThreadListQuery,
  ctx: ListContext,
): { threads: ThreadSummary[]; nextCursor: string | null } {
  const limit = query.limit ?? 50;
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  // Two steps: order and page over the bare columns, then present only the page's rows (the
  // summary's per-thread subqueries would otherwise run for every thread in the inbox).
  const rows = db
    .select({
      id: threads.id,
      status: threads.status,
      deadline: threads.deadline,
      lastActivityAt: threads.lastActivityAt,
    })
    .from(threads)
    .where(and(listConditions(db, query, ctx), after ? afterKey(after) : undefined))
    .orderBy(sql`${sortDeadline} is null`, asc(sortDeadline), desc(threads.lastActivityAt), desc(threads.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(
          orderKeyOf({
            id: last.id,
            status: last.status,
            deadline: last.deadline?.getTime() ?? null,
            lastActivityAt: last.lastActivityAt.getTime(),
          }),
        )
      : null;
  const ids = page.map((r) => r.id);
  const byId = new Map(
    (ids.length === 0 ? [] : summaryQuery(db).where(inArray(threads.id, ids)).all()).map((r) => [
      r.id,
      toSummary(r),
    ]),
  );
  const summaries = ids.map((id) => byId.get(id)!).filter(Boolean);
  return { threads: withReadState(db, ctx.userId, summaries), nextCursor };
}

/** Sidebar counts. Views, releases, unlinked and unread count active threads (new, open, waiting). */
export function threadCounts(db: Db, ctx: ListContext): ThreadCounts {
  const { end } = dayBounds(ctx.now, ctx.timeZone);
  const now = ctx.now.getTime();
  const active = (condition: SQL) =>
    sql<number>`coalesce(sum(case when ${isActive} and ${condition} then 1 else 0 end), 0)`;
  const totals = db
    .select({
      all: active(sql`1`),
      mine: active(sql`${threads.assigneeId} = ${ctx.userId}`),
      unassigned: active(sql`${threads.assigneeId} is null`),
      unlinked: active(sql`${threads.releaseId} is null`),
      overdue: active(sql`${threads.deadline} is not null and ${threads.deadline} < ${now}`),
      dueToday: active(sql`${threads.deadline} is not null and ${threads.deadline} < ${end}`),
      unread: active(
        sql`coalesce(${lastInbound} > (select ${threadReads.readAt} from ${threadReads} where ${threadReads.threadId} = ${threads.id} and ${threadReads.userId} = ${ctx.userId}), ${lastInbound} is not null)`,
      ),
    })
    .from(threads)
    .where(isNull(threads.mergedInto))
    .get()!;
  const byStatus = db
    .select({ status: threads.status, count: sql<number>`count(*)` })
    .from(threads)
    .where(isNull(threads.mergedInto))
    .groupBy(threads.status)
    .all();
  const statuses = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const row of byStatus) statuses[row.status] = row.count;
  const byFamily = db
    .select({
      familyId: sql<number>`coalesce(${releases.familyId}, ${releases.id})`,
      total: sql<number>`count(*)`,
      open: sql<number>`coalesce(sum(case when ${isActive} then 1 else 0 end), 0)`,
    })
    .from(threads)
    .innerJoin(releases, eq(releases.id, threads.releaseId))
    .where(isNull(threads.mergedInto))
    .groupBy(sql`coalesce(${releases.familyId}, ${releases.id})`)
    .all();
  return {
    views: { all: totals.all, mine: totals.mine, unassigned: totals.unassigned, unlinked: totals.unlinked },
    statuses,
    releases: byFamily,
    unlinked: totals.unlinked,
    overdue: totals.overdue,
    dueToday: totals.dueToday,
    unread: totals.unread,
  };
}
