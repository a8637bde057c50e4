import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { blobs, uploads } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { sha256Hex } from '../mail/parse.ts';
import type { Tx } from './append-events.ts';

/** What a reply's attachments (uploaded and forwarded) may total; an upload alone may be as large. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export interface StoredUpload {
  id: number;
  filename: string;
  contentType: string;
  size: number;
}

/** A MIME type as `type/subtype`, parameters allowed: it ends up in a part header of the reply. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[^\p{Cc}]*)?$/iu;

/**
 * The name as the journalist will see it: no path (a browser may send "C:\fakepath\x.pdf"), no
 * control characters or line breaks (it goes into a header, O-11), at most 200 characters.
 */
export function uploadFilename(raw: string): string | null {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const name = base
    .replace(/[\p{Cc}\u2028\u2029]/gu, '')
    .trim()
    .slice(0, 200);
  return name === '' || name === '.' || name === '..' ? null : name;
}

/**
 * Keeps an officer's uploaded file as a blob until a reply attaches it by id. Nothing changes for
 * anyone else until that reply is sent, so there is no event.
 */
export function storeUpload(
  db: Db,
  file: { filename: string; contentType: string | undefined; data: Buffer; userId: number },
  now: Date,
): StoredUpload {
  const filename = uploadFilename(file.filename);
  if (!filename) throw new AppError('invalid_filename', 400, 'give the file a name (?filename=…)');
  if (file.data.length === 0) throw new AppError('empty_upload', 400, 'the file is empty');
  if (file.data.length > MAX_ATTACHMENT_BYTES)
    throw new AppError('upload_too_large', 413, 'a file may be at most 25 MB');
  const contentType = (file.contentType ?? '').trim().toLowerCase() || 'application/octet-stream';
  if (!MIME_TYPE.test(contentType))
    throw new AppError(
      'invalid_content_type',
      400,
      'send the file with its Content-Type, e.g. application/pdf',
    );
  // Parameters (charset=…) belong to the request, not the attachment's identity.
  const bareType = contentType.split(';')[0]!.trim();
  const sha256 = sha256Hex(file.data);
  return db.transaction((tx) => {
    tx.insert(blobs).values({ sha256, size: file.data.length, data: file.data }).onConflictDoNothing().run();
    const row = tx
      .insert(uploads)
      .values({
        sha256,
        filename,
        contentType: bareType,
        size: file.data.length,
        uploadedByUserId: file.userId,
        createdAt: now,
      })
      .returning()
      .get();
    return { id: row.id, filename: row.filename, contentType: row.contentType, size: row.size };
  });
}

/** The uploads a reply attaches, with their bytes: only the author's own. */
export function uploadsOf(
  db: Db | Tx,
  ids: number[],
  userId: number,
): { sha256: string; filename: string; contentType: string; data: Buffer }[] {
  if (ids.length === 0) return [];
  const rows = db
    .select({
      id: uploads.id,
      sha256: uploads.sha256,
      filename: uploads.filename,
      contentType: uploads.contentType,
      data: blobs.data,
    })
    .from(uploads)
    .innerJoin(blobs, eq(blobs.sha256, uploads.sha256))
    .where(and(inArray(uploads.id, ids), eq(uploads.uploadedByUserId, userId)))
    .all();
  if (rows.length !== ids.length)
    throw new AppError('invalid_upload', 400, 'attach only files you uploaded yourself');
  // In the order the officer attached them.
  return ids.map((id) => rows.find((r) => r.id === id)!);
}
