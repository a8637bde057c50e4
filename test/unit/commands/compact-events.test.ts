import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../../db/client.ts';
import { events } from '../../../db/schema.ts';
import { appendEvents } from '../../../server/commands/append-events.ts';
import { compactEvents } from '../../../server/commands/compact-events.ts';
import type { DomainEvent } from '../../../server/schemas/realtime.ts';

const now = new Date('2026-05-01T09:00:00Z');

function messageEvent(i: number): DomainEvent {
  // Only the fields compaction looks at matter here.
  return {
    type: 'message.created',
    threadId: 1,
    message: { id: i, messageId: `m${i}@paper.test`, text: `long body ${i} `.repeat(50) },
  } as unknown as DomainEvent;
}

describe('event compaction', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'newsdesk-compact-'));
    db = openMigratedDb(join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    closeDb(db);
    rmSync(dir, { recursive: true, force: true });
  });

  const payloads = () =>
    db
      .select()
      .from(events)
      .orderBy(asc(events.seq))
      .all()
      .map(
        (e) => e.payload as { type: string; message?: { id: number; text?: string; compacted?: boolean } },
      );

  it('drops message text from all but the newest events, keeping who, what and when', async () => {
    appendEvents(
      db,
      Array.from({ length: 30 }, (_, i) => messageEvent(i + 1)),
      now,
    );
    appendEvents(db, [{ type: 'thread.merged', threadId: 2, into: 1 }], now);

    expect(await compactEvents(db, () => now, 10)).toBe(21);
    const after = payloads();
    expect(after).toHaveLength(31);
    for (const p of after.slice(0, 21)) {
      expect(p.message?.text).toBeUndefined();
      expect(p.message?.compacted).toBe(true);
      expect(p.message?.id).toBeGreaterThan(0);
    }
    for (const p of after.slice(21, 30)) expect(p.message?.text).toMatch(/^long body/);
    expect(after[30]).toMatchObject({ type: 'thread.merged', into: 1 });
  });

  it('resumes from where it stopped instead of rescanning old events', async () => {
    appendEvents(
      db,
      Array.from({ length: 15 }, (_, i) => messageEvent(i + 1)),
      now,
    );
    expect(await compactEvents(db, () => now, 10)).toBe(5);
    expect(await compactEvents(db, () => now, 10)).toBe(0);
    appendEvents(
      db,
      Array.from({ length: 3 }, (_, i) => messageEvent(100 + i)),
      now,
    );
    expect(await compactEvents(db, () => now, 10)).toBe(3);
    expect(payloads().filter((p) => p.message?.text !== undefined)).toHaveLength(10);
  });
});
