import { asc, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../../db/client.ts';
import { messages } from '../../../db/schema.ts';
import { backfillLanguages } from '../../../server/commands/backfill-languages.ts';
import { ingestMessage } from '../../../server/commands/ingest-message.ts';
import { parseMessage } from '../../../server/mail/parse.ts';

const now = new Date('2026-11-20T12:00:00Z');

function mail(id: string, subject: string, body: string): Buffer {
  return Buffer.from(
    [
      'From: Ann <ann@paper.test>',
      'To: newsdesk@newsdesk.test',
      `Subject: ${subject}`,
      `Message-ID: <${id}>`,
      'Date: Thu, 19 Nov 2026 10:00:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

describe('language backfill for messages stored before detection', () => {
  let db: Db;
  beforeEach(() => {
    db = openMigratedDb(':memory:');
  });
  afterEach(() => closeDb(db));

  it('detects the language of old rows once, and leaves undetectable ones for good', async () => {
    const samples = [
      mail(
        'a@x',
        'Question about the statement',
        'Could you tell me when the minister will be available for an interview?',
      ),
      mail('b@x', 'استفسار', 'هل يمكنكم تأكيد موعد الاجتماع في بروكسل؟'),
      mail('c@x', '123', '456'),
    ];
    for (const raw of samples) {
      ingestMessage(db, await parseMessage(raw, { now }), { kind: 'import' }, { ownAddress: null, now });
    }
    db.run(sql`update messages set language = null`);

    expect(await backfillLanguages(db, () => now)).toBe(3);
    const languages = db
      .select({ id: messages.messageId, language: messages.language })
      .from(messages)
      .orderBy(asc(messages.id))
      .all();
    expect(languages).toEqual([
      { id: 'a@x', language: 'en' },
      { id: 'b@x', language: 'ar' },
      { id: 'c@x', language: null },
    ]);
    // The undetectable one is behind the watermark: a second run looks at nothing.
    expect(await backfillLanguages(db, () => now)).toBe(0);
  });
});
