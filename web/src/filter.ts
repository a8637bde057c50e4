import { dayBounds } from '../../server/domain/thread-order.ts';
import type { ThreadStatus, ThreadSummary, ThreadView } from './types.ts';

/** What the list shows: one view plus optional narrowing, mirrored by GET /api/threads. */
export interface ListFilter {
  view: ThreadView;
  /** Any release of a translation family: the whole family's enquiries. */
  releaseFamilyId?: number | undefined;
  statuses?: ThreadStatus[] | undefined;
  language?: string | undefined;
  deadline?: 'overdue' | 'today' | undefined;
  tag?: string | undefined;
}

export interface FilterContext {
  meId: number | null;
  now: number;
  /** The office's IANA time zone (from /api/me); the browser's own day until it is known. */
  timeZone?: string | undefined;
  /** release id → translation family id, for the release filter. */
  familyOf: (releaseId: number) => number | undefined;
}

const ACTIVE: ReadonlySet<string> = new Set(['new', 'open', 'waiting']);

/** Query-string parameters for the list endpoint. */
export function filterQuery(f: ListFilter): Record<string, string> {
  const q: Record<string, string> = { view: f.view };
  if (f.releaseFamilyId !== undefined) q.releaseId = String(f.releaseFamilyId);
  if (f.statuses?.length) q.status = f.statuses.join(',');
  if (f.language) q.language = f.language;
  if (f.deadline) q.deadline = f.deadline;
  if (f.tag) q.tag = f.tag;
  return q;
}

function endOfToday(now: number, timeZone: string | undefined): number {
  if (timeZone) {
    try {
      return dayBounds(new Date(now), timeZone).end;
    } catch {
      // A zone this browser does not know: fall back to its own day.
    }
  }
  const d = new Date(now);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}

/**
 * Whether a thread that changed live still belongs in the list on screen. Mirrors the server's
 * filters; "today" is the office's day (as the server counts it), wherever this browser is.
 */
export function matchesFilter(t: ThreadSummary, f: ListFilter, ctx: FilterContext): boolean {
  if (f.view === 'mine' && t.assignee?.id !== ctx.meId) return false;
  if (f.view === 'unassigned' && t.assignee !== null) return false;
  if (f.view === 'unlinked' && t.release !== null) return false;
  if (f.releaseFamilyId !== undefined) {
    if (!t.release) return false;
    const family = ctx.familyOf(t.release.id) ?? t.release.id;
    if (family !== f.releaseFamilyId) return false;
  }
  if (f.statuses?.length && !f.statuses.includes(t.status)) return false;
  if (f.language && t.language !== f.language) return false;
  if (f.tag && !t.tags.includes(f.tag)) return false;
  if (f.deadline) {
    if (!t.deadline || !ACTIVE.has(t.status)) return false;
    const due = Date.parse(t.deadline);
    if (f.deadline === 'overdue' && due >= ctx.now) return false;
    if (f.deadline === 'today' && due >= endOfToday(ctx.now, ctx.timeZone)) return false;
  }
  return true;
}

export function sameFilter(a: ListFilter, b: ListFilter): boolean {
  return JSON.stringify(filterQuery(a)) === JSON.stringify(filterQuery(b));
}
