// The inbox order and its keyset cursor. Pure, so the server's SQL and the UI's live re-sorting can
// be checked against one definition.
import { addDays, instantOf, localTime, type Zone } from './deadline/zone.ts';

/** Statuses that still need work: only these count as overdue, and only their deadlines sort first. */
export const ACTIVE_STATUSES = ['new', 'open', 'waiting'] as const;

export interface OrderFields {
  id: number;
  status: string;
  deadline: number | null;
  lastActivityAt: number;
}

/** The deadline that orders a thread: none once it is answered or closed (nothing is due any more). */
export function sortDeadline(thread: Pick<OrderFields, 'status' | 'deadline'>): number | null {
  return thread.deadline !== null && (ACTIVE_STATUSES as readonly string[]).includes(thread.status)
    ? thread.deadline
    : null;
}

/** The position of a thread in the inbox. */
export interface OrderKey {
  deadline: number | null;
  lastActivityAt: number;
  id: number;
}

export function orderKeyOf(thread: OrderFields): OrderKey {
  return { deadline: sortDeadline(thread), lastActivityAt: thread.lastActivityAt, id: thread.id };
}

/**
 * Inbox order: threads with an active deadline first, soonest first; then the rest; within each,
 * latest activity first, then the higher id (a stable tie-break).
 */
export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  if (a.deadline !== null && b.deadline === null) return -1;
  if (a.deadline === null && b.deadline !== null) return 1;
  if (a.deadline !== null && b.deadline !== null && a.deadline !== b.deadline) return a.deadline - b.deadline;
  if (a.lastActivityAt !== b.lastActivityAt) return b.lastActivityAt - a.lastActivityAt;
  return b.id - a.id;
}

/** Opaque text for the last row of a page; decodeCursor gives the key back. */
export function encodeCursor(key: OrderKey): string {
  return Buffer.from(`${key.deadline ?? '-'}:${key.lastActivityAt}:${key.id}`).toString('base64url');
}

/** The key a cursor stands for, or null when it is not one of ours. */
export function decodeCursor(cursor: string): OrderKey | null {
  const match = /^(-|\d{1,15}):(\d{1,15}):(\d{1,15})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match) return null;
  return {
    deadline: match[1] === '-' ? null : Number(match[1]),
    lastActivityAt: Number(match[2]),
    id: Number(match[3]),
  };
}

/** The calendar day containing `now` in the office's time zone, as [start, end) instants. */
export function dayBounds(now: Date, timeZone: string): { start: number; end: number } {
  const zone: Zone = { iana: timeZone };
  const today = localTime(now.getTime(), zone);
  const tomorrow = addDays(today, 1);
  return {
    start: instantOf(today.year, today.month, today.day, 0, 0, zone),
    end: instantOf(tomorrow.year, tomorrow.month, tomorrow.day, 0, 0, zone),
  };
}
