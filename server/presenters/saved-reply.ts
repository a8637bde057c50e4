import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contacts, messages, releases, savedReplies, threads, users } from '../../db/schema.ts';
import { referenceNumber } from '../commands/acknowledge.ts';
import { fillTemplate, firstNameOf, type FilledTemplate } from '../domain/template.ts';
import { AppError } from '../errors.ts';
import type { Actor, SavedReply } from '../schemas/api.ts';

const primaryLanguage = (tag: string) => tag.trim().toLowerCase().split('-')[0]!;
const languageOf = sql<string>`lower(substr(${savedReplies.language}, 1, instr(${savedReplies.language} || '-', '-') - 1))`;
// A release's translations share its family id; an original (or a lone release) may have none set.
const familyOf = sql<number>`coalesce(${releases.familyId}, ${releases.id})`;

function listQuery(db: Db) {
  return db
    .select({
      id: savedReplies.id,
      title: savedReplies.title,
      language: savedReplies.language,
      body: savedReplies.body,
      releaseId: releases.id,
      releaseTitle: releases.title,
      releaseUrl: releases.url,
      releaseLanguage: releases.language,
      createdById: users.id,
      createdByName: users.name,
      createdAt: savedReplies.createdAt,
      updatedAt: savedReplies.updatedAt,
    })
    .from(savedReplies)
    .leftJoin(releases, eq(releases.id, savedReplies.releaseId))
    .leftJoin(users, eq(users.id, savedReplies.createdByUserId));
}

type Row = ReturnType<ReturnType<typeof listQuery>['all']>[number];

function toSavedReply(row: Row): SavedReply {
  return {
    id: row.id,
    title: row.title,
    language: row.language,
    body: row.body,
    release:
      row.releaseId !== null
        ? {
            id: row.releaseId,
            title: row.releaseTitle!,
            url: row.releaseUrl!,
            language: row.releaseLanguage!,
          }
        : null,
    createdBy:
      row.createdById !== null && row.createdByName !== null
        ? { id: row.createdById, name: row.createdByName }
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One saved reply; null if absent. */
export function presentSavedReply(db: Db, id: number): SavedReply | null {
  const row = listQuery(db).where(eq(savedReplies.id, id)).get();
  return row ? toSavedReply(row) : null;
}

function familyIdOf(db: Db, releaseId: number): number | null {
  return (
    db.select({ family: familyOf }).from(releases).where(eq(releases.id, releaseId)).get()?.family ?? null
  );
}

/**
 * The general saved replies, plus the lines to take of a release and of its translations when one
 * is given; lines to take first, then by language and title.
 */
export function listSavedReplies(db: Db, query: { releaseId?: number; language?: string }): SavedReply[] {
  let family: number | null = null;
  if (query.releaseId !== undefined) {
    family = familyIdOf(db, query.releaseId);
    if (family === null) throw new AppError('not_found', 404, `no release ${query.releaseId}`);
  }
  return listQuery(db)
    .where(
      and(
        family === null
          ? isNull(savedReplies.releaseId)
          : or(isNull(savedReplies.releaseId), eq(familyOf, family)),
        query.language !== undefined ? eq(languageOf, primaryLanguage(query.language)) : undefined,
      ),
    )
    .orderBy(
      sql`${savedReplies.releaseId} is null`,
      asc(savedReplies.language),
      asc(savedReplies.title),
      asc(savedReplies.id),
    )
    .all()
    .map(toSavedReply);
}

// Names and outlets come from journalists' mail: one line, without bidi overrides that could
// reorder the text around them.
function oneLine(value: string | null | undefined): string | null {
  if (!value) return null;
  const line = value
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim();
  return line || null;
}

/** The member of a release's family in the wanted language, else the release itself. */
function releaseInLanguage(db: Db, releaseId: number, language: string) {
  const linked = db
    .select({
      id: releases.id,
      title: releases.title,
      url: releases.url,
      language: releases.language,
      family: familyOf,
    })
    .from(releases)
    .where(eq(releases.id, releaseId))
    .get();
  if (!linked || primaryLanguage(linked.language) === language) return linked ?? null;
  const translation = db
    .select({ title: releases.title, url: releases.url, language: releases.language })
    .from(releases)
    .where(eq(familyOf, linked.family))
    .orderBy(asc(releases.id))
    .all()
    .find((r) => primaryLanguage(r.language) === language);
  return translation ?? linked;
}

/**
 * A saved reply filled in for a thread: the journalist's name and outlet (their domain when no
 * outlet is on record), the thread's release (else the template's) in the template's language,
 * the officer's name and the thread's reference.
 */
export function renderSavedReply(db: Db, threadId: number, savedId: number, officer: Actor): FilledTemplate {
  const saved = db
    .select({ body: savedReplies.body, language: savedReplies.language, releaseId: savedReplies.releaseId })
    .from(savedReplies)
    .where(eq(savedReplies.id, savedId))
    .get();
  if (!saved) throw new AppError('not_found', 404, `no saved reply ${savedId}`);
  const thread = db
    .select({
      releaseId: threads.releaseId,
      contactName: contacts.name,
      contactEmail: contacts.email,
      outlet: contacts.outlet,
    })
    .from(threads)
    .leftJoin(contacts, eq(contacts.id, threads.contactId))
    .where(eq(threads.id, threadId))
    .get();
  if (!thread) throw new AppError('not_found', 404, `no thread ${threadId}`);
  // Without a contact record, the first message from outside names the journalist.
  const firstInbound = db
    .select({ name: messages.fromName, address: messages.fromAddress })
    .from(messages)
    .where(and(eq(messages.threadId, threadId), eq(messages.direction, 'in')))
    .orderBy(asc(messages.date), asc(messages.id))
    .limit(1)
    .get();
  const name = oneLine(thread.contactName) ?? oneLine(firstInbound?.name);
  const address = thread.contactEmail ?? firstInbound?.address ?? '';
  const domain = address.includes('@') ? address.slice(address.lastIndexOf('@') + 1).toLowerCase() : null;
  const releaseId = thread.releaseId ?? saved.releaseId;
  const release =
    releaseId === null ? null : releaseInLanguage(db, releaseId, primaryLanguage(saved.language));
  return fillTemplate(saved.body, {
    journalist_name: name,
    journalist_first_name: firstNameOf(name),
    outlet: oneLine(thread.outlet) ?? oneLine(domain),
    release_title: oneLine(release?.title),
    release_url: release?.url ?? null,
    officer_name: oneLine(officer.name),
    reference: referenceNumber(threadId),
  });
}
