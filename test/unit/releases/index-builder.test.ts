// The release index built in a worker thread: the same matches as one built in place, installed for
// the catalogue state it read, stale-but-usable while a large catalogue is rebuilt, and the main
// thread's event loop keeps turning during the build.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../../db/client.ts';
import { releases } from '../../../db/schema.ts';
import {
  SYNC_BUILD_LIMIT,
  attachBackgroundBuilder,
  installedReleaseIndex,
  matchEnquiry,
  releaseIndex,
} from '../../../server/releases/catalogue.ts';
import { createBackgroundIndexBuilder } from '../../../server/releases/index-builder.ts';
import { tempDbPath } from '../../support/app.ts';

const NOW = new Date('2021-06-20T10:00:00Z');
const opened: { db: Db; dir?: string }[] = [];

function fileDb(): Db {
  const { path, dir } = tempDbPath();
  const db = openMigratedDb(path);
  opened.push({ db, dir });
  return db;
}

function memoryDb(): Db {
  const db = openMigratedDb(':memory:');
  opened.push({ db });
  return db;
}

afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    closeDb(db);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

// Filler releases about invented trade fairs, each with its own town and figure.
function addFillers(db: Db, count: number, from = 0): void {
  db.transaction((tx) => {
    for (let i = from; i < from + count; i++) {
      tx.insert(releases)
        .values({
          url: `https://www.example.gov/news/trade-fair-${i}`,
          title: `Trade delegation attends fair number ${i}`,
          language: 'en',
          publishedAt: new Date(Date.UTC(2019, 0, 1) + i * 3_600_000),
          body: `A delegation of ${i + 3} companies attended trade fair ${i}. The fair showed machinery and textiles.`,
          createdAt: NOW,
          updatedAt: NOW,
        })
        .run();
    }
  });
}

function addHarbour(db: Db): void {
  db.insert(releases)
    .values({
      url: 'https://www.example.gov/news/minister-opens-new-harbour-in-valletta',
      title: 'Minister opens new harbour in Valletta',
      language: 'en',
      publishedAt: new Date('2021-06-19T09:00:00Z'),
      body: 'Trade Minister Gregory Whitcombe opened the new deep-water harbour in Valletta today. The project cost £42 million.',
      createdAt: NOW,
      updatedAt: new Date(NOW.getTime() + 1),
    })
    .run();
}

const harbourEnquiry = {
  subject: 'Valletta harbour',
  newText: 'Could the minister comment on the cost of the new harbour in Valletta, said to be £42 million?',
  quotedText: '',
  date: NOW,
};

describe('background release index builds', () => {
  it('builds in a worker from the database file and matches like an index built in place', async () => {
    const db = fileDb();
    addFillers(db, 20);
    addHarbour(db);
    const builder = createBackgroundIndexBuilder(db, (err) => {
      throw err;
    });
    try {
      const built = await builder.build();
      expect(built?.releases).toBe(21);
      expect(installedReleaseIndex(db)?.fresh).toBe(true);
      const fromWorker = matchEnquiry(db, harbourEnquiry);
      expect(fromWorker?.reason).toBeTruthy();
      expect(fromWorker?.releaseId).not.toBeNull();

      const inPlace = memoryDb();
      addFillers(inPlace, 20);
      addHarbour(inPlace);
      expect(matchEnquiry(inPlace, harbourEnquiry)).toEqual(fromWorker);
    } finally {
      await builder.close();
    }
  }, 60_000);

  it('builds in-memory databases from a catalogue read here', async () => {
    const db = memoryDb();
    addHarbour(db);
    const builder = createBackgroundIndexBuilder(db);
    try {
      expect((await builder.build())?.releases).toBe(1);
      expect(installedReleaseIndex(db)?.fresh).toBe(true);
      expect(matchEnquiry(db, harbourEnquiry)?.releaseId).not.toBeNull();
    } finally {
      await builder.close();
    }
  }, 60_000);

  it('matches with the index in use while a large catalogue is rebuilt, and asks for the rebuild', async () => {
    const db = fileDb();
    addFillers(db, SYNC_BUILD_LIMIT + 10);
    releaseIndex(db);
    let asked = 0;
    const detach = attachBackgroundBuilder(db, () => asked++);
    try {
      addHarbour(db);
      expect(installedReleaseIndex(db)?.fresh).toBe(false);
      // The installed index does not know the new release yet: no link, no rebuild on this thread.
      expect(matchEnquiry(db, harbourEnquiry)?.releaseId ?? null).toBeNull();
      expect(asked).toBe(1);
      expect(installedReleaseIndex(db)?.fresh).toBe(false);

      const builder = createBackgroundIndexBuilder(db, (err) => {
        throw err;
      });
      try {
        await builder.build();
      } finally {
        await builder.close();
      }
      expect(installedReleaseIndex(db)?.fresh).toBe(true);
      expect(matchEnquiry(db, harbourEnquiry)?.releaseId).not.toBeNull();
    } finally {
      detach();
    }
  }, 60_000);

  it('rebuilds small catalogues in place even with a background builder attached', () => {
    const db = fileDb();
    addFillers(db, 5);
    releaseIndex(db);
    let asked = 0;
    const detach = attachBackgroundBuilder(db, () => asked++);
    try {
      addHarbour(db);
      expect(matchEnquiry(db, harbourEnquiry)?.releaseId).not.toBeNull();
      expect(asked).toBe(0);
    } finally {
      detach();
    }
  });

  it('keeps the event loop turning while it builds', async () => {
    const db = fileDb();
    addFillers(db, 1500);
    const builder = createBackgroundIndexBuilder(db, (err) => {
      throw err;
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const started = performance.now();
      await builder.build();
      const elapsed = performance.now() - started;
      // Built in place, the build would run as one task and no tick could fire until it ended.
      expect(ticks).toBeGreaterThan(Math.min(10, elapsed / 50));
    } finally {
      clearInterval(timer);
      await builder.close();
    }
  }, 120_000);

  it('reports a failing build and installs nothing', async () => {
    const db = fileDb();
    addFillers(db, 3);
    const errors: unknown[] = [];
    const builder = createBackgroundIndexBuilder(db, (err) => errors.push(err));
    db.$client.exec('DROP TABLE releases');
    try {
      expect(await builder.build()).toBeNull();
      expect(errors).toHaveLength(1);
      expect(installedReleaseIndex(db)).toBeNull();
    } finally {
      await builder.close();
    }
  }, 60_000);
});
