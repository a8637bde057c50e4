import { describe, expect, it } from 'vitest';
import {
  compareOrderKeys,
  dayBounds,
  decodeCursor,
  encodeCursor,
  orderKeyOf,
  sortDeadline,
} from '../../../server/domain/thread-order.ts';

describe('inbox order', () => {
  const thread = (id: number, lastActivityAt: number, deadline: number | null = null, status = 'open') =>
    orderKeyOf({ id, status, deadline, lastActivityAt });

  it('puts active deadlines first (soonest first), then newest activity, then the higher id', () => {
    const keys = [
      thread(1, 100),
      thread(2, 300),
      thread(3, 50, 5_000),
      thread(4, 10, 2_000),
      thread(5, 300),
      thread(6, 400, 1_000, 'closed'),
    ];
    expect([...keys].sort(compareOrderKeys).map((k) => k.id)).toEqual([4, 3, 6, 5, 2, 1]);
  });

  it('ignores the deadline of answered and closed threads', () => {
    expect(sortDeadline({ status: 'answered', deadline: 5 })).toBeNull();
    expect(sortDeadline({ status: 'closed', deadline: 5 })).toBeNull();
    expect(sortDeadline({ status: 'waiting', deadline: 5 })).toBe(5);
    expect(sortDeadline({ status: 'new', deadline: null })).toBeNull();
  });

  it('round-trips cursors and refuses anything else', () => {
    for (const key of [
      { deadline: null, lastActivityAt: 1_795_000_000_000, id: 42 },
      { deadline: 1_795_000_000_123, lastActivityAt: 0, id: 1 },
    ]) {
      expect(decodeCursor(encodeCursor(key))).toEqual(key);
    }
    for (const bad of [
      '',
      'Zm9v',
      Buffer.from('1:2').toString('base64url'),
      Buffer.from('x:1:2').toString('base64url'),
    ])
      expect(decodeCursor(bad), bad).toBeNull();
  });

  it('gives the office calendar day, across a daylight-saving change', () => {
    // 29 March 2026: London moves to BST at 01:00 UTC; the day is 23 hours long.
    const { start, end } = dayBounds(new Date('2026-03-29T12:00:00Z'), 'Europe/London');
    expect(new Date(start).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2026-03-29T23:00:00.000Z');
    // Late evening in Kuwait (UTC+3) is already the next day there.
    const kuwait = dayBounds(new Date('2026-11-16T22:30:00Z'), 'Asia/Kuwait');
    expect(new Date(kuwait.start).toISOString()).toBe('2026-11-16T21:00:00.000Z');
  });
});
