import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../../db/client.ts';
import { blobs, uploads, users } from '../../../db/schema.ts';
import { pruneUploads, UPLOAD_RETENTION_MS } from '../../../server/commands/prune-uploads.ts';
import { ingestMessage } from '../../../server/commands/ingest-message.ts';
import { parseMessage, sha256Hex } from '../../../server/mail/parse.ts';

const now = new Date('2026-11-29T12:00:00Z');
const longAgo = new Date(now.getTime() - UPLOAD_RETENTION_MS - 60_000);

describe('pruning unsent uploads', () => {
  let db: Db;
  let userId: number;
  const upload = (content: string, createdAt: Date) => {
    const data = Buffer.from(content);
    const sha256 = sha256Hex(data);
    db.insert(blobs).values({ sha256, size: data.length, data }).onConflictDoNothing().run();
    db.insert(uploads)
      .values({
        sha256,
        filename: 'f.txt',
        contentType: 'text/plain',
        size: data.length,
        uploadedByUserId: userId,
        createdAt,
      })
      .run();
    return sha256;
  };
  const blobExists = (sha: string) =>
    db
      .select()
      .from(blobs)
      .all()
      .some((b) => b.sha256 === sha);

  beforeEach(() => {
    db = openMigratedDb(':memory:');
    userId = db
      .insert(users)
      .values({ email: 'amal@newsdesk.test', name: 'Amal', passwordHash: 'x', createdAt: now })
      .returning()
      .get().id;
  });
  afterEach(() => closeDb(db));

  it('removes old uploads and bytes nothing else holds; keeps recent ones and shared bytes', async () => {
    const orphan = upload('never sent', longAgo);
    const shared = upload('also uploaded again today', longAgo);
    upload('also uploaded again today', now);
    const fresh = upload('uploaded this morning', new Date(now.getTime() - 3_600_000));
    // Bytes that are also a stored message must survive the upload that carried them.
    const raw = Buffer.from(
      'From: a@paper.test\r\nSubject: x\r\nMessage-ID: <p1@paper.test>\r\n\r\nhello\r\n',
    );
    ingestMessage(db, await parseMessage(raw, { now }), { kind: 'import' }, { ownAddress: null, now });
    const messageBytes = upload(raw.toString(), longAgo);

    expect(pruneUploads(db, now)).toBe(3);
    expect(
      db
        .select()
        .from(uploads)
        .all()
        .map((u) => u.sha256)
        .sort(),
    ).toEqual([shared, fresh].sort());
    expect(blobExists(orphan)).toBe(false);
    expect(blobExists(shared)).toBe(true);
    expect(blobExists(fresh)).toBe(true);
    expect(blobExists(messageBytes)).toBe(true);
    expect(pruneUploads(db, now)).toBe(0);
  });
});
