import { describe, expect, it } from 'vitest';
import { filterQuery, matchesFilter, type FilterContext } from '../../../web/src/filter.ts';
import { compareThreads, isUnread, mergeThreads, upsertThread } from '../../../web/src/store.ts';
import type { ThreadSummary } from '../../../web/src/types.ts';

const NOW = Date.parse('2026-11-29T12:00:00Z');

function thread(id: number, patch: Partial<ThreadSummary> = {}): ThreadSummary {
  return {
    id,
    subject: `Thread ${id}`,
    status: 'new',
    priority: 'normal',
    assignee: null,
    deadline: null,
    deadlineSuggestion: null,
    tags: [],
    correspondent: null,
    messageCount: 1,
    firstMessageAt: new Date(NOW - id * 60_000).toISOString(),
    lastActivityAt: new Date(NOW - id * 60_000).toISOString(),
    snippet: '',
    release: null,
    match: null,
    language: 'en',
    lastInboundAt: null,
    ...patch,
  };
}

const ctx: FilterContext = { meId: 7, now: NOW, familyOf: (id) => (id === 11 ? 10 : id) };

describe('inbox order in the browser', () => {
  it('puts active deadlines first, soonest first, then the latest activity', () => {
    const list = [
      thread(1),
      thread(2, { deadline: new Date(NOW + 3 * 3600_000).toISOString() }),
      thread(3, { deadline: new Date(NOW + 3600_000).toISOString() }),
      // A closed thread's deadline no longer counts.
      thread(4, { deadline: new Date(NOW + 600_000).toISOString(), status: 'closed' }),
      thread(5),
    ].sort(compareThreads);
    expect(list.map((t) => t.id)).toEqual([3, 2, 1, 4, 5]);
  });

  it('upserts into place and keeps the per-officer read time an event does not carry', () => {
    let list = mergeThreads([], [thread(1, { readAt: '2026-11-29T11:00:00.000Z' }), thread(2), thread(3)]);
    const moved = { ...thread(1), lastActivityAt: new Date(NOW + 1000).toISOString() };
    delete moved.readAt;
    list = upsertThread(list, moved);
    expect(list.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(list[0]!.readAt).toBe('2026-11-29T11:00:00.000Z');
    list = upsertThread(list, { ...thread(3), lastActivityAt: new Date(NOW + 5000).toISOString() });
    expect(list.map((t) => t.id)).toEqual([3, 1, 2]);
  });

  it('reads unread as inbound mail after the officer last opened the thread', () => {
    const inbound = '2026-11-29T11:30:00.000Z';
    expect(isUnread(thread(1, { lastInboundAt: inbound, readAt: null }))).toBe(true);
    expect(isUnread(thread(1, { lastInboundAt: inbound, readAt: '2026-11-29T11:00:00.000Z' }))).toBe(true);
    expect(isUnread(thread(1, { lastInboundAt: inbound, readAt: '2026-11-29T11:45:00.000Z' }))).toBe(false);
    expect(isUnread(thread(1, { lastInboundAt: null }))).toBe(false);
  });
});

describe('list filters applied to live changes', () => {
  it('mirrors the views', () => {
    const mine = thread(1, { assignee: { id: 7, name: 'Me' } });
    const theirs = thread(2, { assignee: { id: 8, name: 'Them' } });
    const linked = thread(3, { release: { id: 11, url: 'https://x.example/r', title: 'R' } });
    expect(matchesFilter(mine, { view: 'mine' }, ctx)).toBe(true);
    expect(matchesFilter(theirs, { view: 'mine' }, ctx)).toBe(false);
    expect(matchesFilter(theirs, { view: 'unassigned' }, ctx)).toBe(false);
    expect(matchesFilter(linked, { view: 'unlinked' }, ctx)).toBe(false);
    // A translation's thread belongs to its family's filter.
    expect(matchesFilter(linked, { view: 'all', releaseFamilyId: 10 }, ctx)).toBe(true);
    expect(matchesFilter(mine, { view: 'all', releaseFamilyId: 10 }, ctx)).toBe(false);
  });

  it('narrows by status, language, tag and deadline', () => {
    const t = thread(1, {
      status: 'open',
      language: 'ar',
      tags: ['budget'],
      deadline: new Date(NOW - 60_000).toISOString(),
    });
    expect(matchesFilter(t, { view: 'all', statuses: ['open', 'new'] }, ctx)).toBe(true);
    expect(matchesFilter(t, { view: 'all', statuses: ['closed'] }, ctx)).toBe(false);
    expect(matchesFilter(t, { view: 'all', language: 'en' }, ctx)).toBe(false);
    expect(matchesFilter(t, { view: 'all', tag: 'budget' }, ctx)).toBe(true);
    expect(matchesFilter(t, { view: 'all', deadline: 'overdue' }, ctx)).toBe(true);
    expect(matchesFilter({ ...t, status: 'answered' }, { view: 'all', deadline: 'overdue' }, ctx)).toBe(
      false,
    );
  });

  it("counts 'due today' by the office's day, not the browser's", () => {
    // 21:00 UTC on 29 November is still today in London but already tomorrow in Dubai (UTC+4).
    const late = thread(1, { deadline: '2026-11-29T21:00:00Z' });
    const today = { view: 'all', deadline: 'today' } as const;
    expect(matchesFilter(late, today, { ...ctx, timeZone: 'Europe/London' })).toBe(true);
    expect(matchesFilter(late, today, { ...ctx, timeZone: 'Asia/Dubai' })).toBe(false);
    expect(
      matchesFilter(thread(2, { deadline: '2026-11-29T19:30:00Z' }), today, {
        ...ctx,
        timeZone: 'Asia/Dubai',
      }),
    ).toBe(true);
  });

  it('asks the server for the same filter', () => {
    expect(
      filterQuery({
        view: 'mine',
        statuses: ['new', 'open'],
        releaseFamilyId: 10,
        deadline: 'today',
        tag: 'x',
        language: 'ar',
      }),
    ).toEqual({
      view: 'mine',
      status: 'new,open',
      releaseId: '10',
      deadline: 'today',
      tag: 'x',
      language: 'ar',
    });
  });
});
