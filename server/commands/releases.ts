import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { releases, threads } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { presentRelease } from '../presenters/release.ts';
import { presentThread } from '../presenters/thread.ts';
import type { ReleaseInput } from '../releases/release-input.ts';
import type { DomainEvent, SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents, type Tx } from './append-events.ts';

/**
 * Recomputes translation families: an original is its own family; a translation joins its
 * original's family as soon as both are present, whichever was imported first.
 */
function resolveFamilies(tx: Tx): void {
  // Each release points at its root: follow translation_of up a chain (translation of a
  // translation), stopping at a release whose original is absent, and never looping on a cycle.
  tx.run(sql`with recursive chain(id, root, depth) as (
      select id, id, 0 from ${releases}
      union all
      select chain.id, parent.id, chain.depth + 1
      from chain
      join ${releases} child on child.id = chain.root
      join ${releases} parent on parent.url = child.translation_of_url and parent.id <> child.id
      where chain.depth < 10
    )
    update ${releases} set family_id = (
      select root from chain where chain.id = ${releases}.id order by depth desc limit 1
    )`);
}

function rowValues(input: ReleaseInput, now: Date) {
  return {
    url: input.url,
    title: input.title,
    language: input.language,
    publishedAt: new Date(input.published_at),
    body: input.body,
    translationOfUrl: input.translation_of ?? null,
    updatedAt: now,
  };
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  events: SequencedEvent[];
}

/** Creates or updates releases by URL in one transaction; re-importing the same file changes nothing. */
export function importReleases(db: Db, inputs: ReleaseInput[], now: Date): ImportSummary {
  return db.transaction((tx) => {
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const touched: number[] = [];
    for (const input of inputs) {
      const values = rowValues(input, now);
      const existing = tx.select().from(releases).where(eq(releases.url, input.url)).get();
      if (!existing) {
        touched.push(
          tx
            .insert(releases)
            .values({ ...values, createdAt: now })
            .returning({ id: releases.id })
            .get().id,
        );
        created++;
      } else if (
        existing.title !== values.title ||
        existing.body !== values.body ||
        existing.language !== values.language ||
        existing.publishedAt.getTime() !== values.publishedAt.getTime() ||
        existing.translationOfUrl !== values.translationOfUrl
      ) {
        tx.update(releases).set(values).where(eq(releases.id, existing.id)).run();
        touched.push(existing.id);
        updated++;
      } else {
        unchanged++;
      }
    }
    resolveFamilies(tx);
    const domainEvents: DomainEvent[] = touched.map((id) => ({
      type: 'release.updated',
      release: presentRelease(tx, id)!,
    }));
    return { created, updated, unchanged, events: appendEvents(tx, domainEvents, now) };
  });
}

/** Edits one release; fields left out stay as they are. */
export function updateRelease(db: Db, id: number, patch: Partial<ReleaseInput>, now: Date): SequencedEvent[] {
  return db.transaction((tx) => {
    const existing = tx.select().from(releases).where(eq(releases.id, id)).get();
    if (!existing) throw new AppError('not_found', 404, `no release ${id}`);
    const merged: ReleaseInput = {
      url: patch.url ?? existing.url,
      title: patch.title ?? existing.title,
      language: patch.language ?? existing.language,
      published_at: patch.published_at ?? existing.publishedAt.toISOString(),
      body: patch.body ?? existing.body,
      translation_of: patch.translation_of === undefined ? existing.translationOfUrl : patch.translation_of,
    };
    const clash = tx.select({ id: releases.id }).from(releases).where(eq(releases.url, merged.url)).get();
    if (clash && clash.id !== id)
      throw new AppError('release_exists', 409, `another release has the url ${merged.url}`);
    tx.update(releases).set(rowValues(merged, now)).where(eq(releases.id, id)).run();
    resolveFamilies(tx);
    return appendEvents(tx, [{ type: 'release.updated', release: presentRelease(tx, id)! }], now);
  });
}

/** Creates one release; the url must be new. */
export function createRelease(
  db: Db,
  input: ReleaseInput,
  now: Date,
): { id: number; events: SequencedEvent[] } {
  return db.transaction((tx) => {
    const clash = tx.select({ id: releases.id }).from(releases).where(eq(releases.url, input.url)).get();
    if (clash)
      throw new AppError(
        'release_exists',
        409,
        `a release with the url ${input.url} exists (id ${clash.id})`,
      );
    const id = tx
      .insert(releases)
      .values({ ...rowValues(input, now), createdAt: now })
      .returning({ id: releases.id })
      .get().id;
    resolveFamilies(tx);
    return {
      id,
      events: appendEvents(tx, [{ type: 'release.updated', release: presentRelease(tx, id)! }], now),
    };
  });
}

/** Deletes a release; threads linked to it become unlinked (and say so live). */
export function deleteRelease(db: Db, id: number, now: Date): SequencedEvent[] {
  return db.transaction((tx) => {
    const existing = tx.select({ id: releases.id }).from(releases).where(eq(releases.id, id)).get();
    if (!existing) throw new AppError('not_found', 404, `no release ${id}`);
    const linked = tx
      .select({ id: threads.id })
      .from(threads)
      .where(eq(threads.releaseId, id))
      .all()
      .map((t) => t.id);
    if (linked.length > 0) {
      tx.update(threads)
        // Unlinked by the deletion, not by a person: matching may link them again.
        .set({
          releaseId: null,
          matchConfidence: null,
          matchReason: null,
          releaseLinkedBy: null,
          updatedAt: now,
        })
        .where(inArray(threads.id, linked))
        .run();
    }
    tx.delete(releases).where(eq(releases.id, id)).run();
    resolveFamilies(tx);
    const domainEvents: DomainEvent[] = [
      { type: 'release.deleted', releaseId: id },
      ...linked.map((threadId): DomainEvent => ({
        type: 'thread.updated',
        thread: presentThread(tx, threadId)!,
      })),
    ];
    return appendEvents(tx, domainEvents, now);
  });
}

/** A person links a thread to a release, or clears the link; automatic matching keeps out from then on. */
export function setThreadRelease(
  db: Db,
  threadId: number,
  releaseId: number | null,
  actor: { id: number; name: string },
  now: Date,
): SequencedEvent[] {
  return db.transaction((tx) => {
    const thread = tx.select({ id: threads.id }).from(threads).where(eq(threads.id, threadId)).get();
    if (!thread) throw new AppError('not_found', 404, `no thread ${threadId}`);
    if (
      releaseId !== null &&
      !tx.select({ id: releases.id }).from(releases).where(eq(releases.id, releaseId)).get()
    ) {
      throw new AppError('not_found', 404, `no release ${releaseId}`);
    }
    tx.update(threads)
      .set({
        releaseId,
        matchConfidence: releaseId === null ? null : 1,
        matchReason: releaseId === null ? `unlinked by ${actor.name}` : `linked by ${actor.name}`,
        releaseLinkedBy: 'staff',
        updatedAt: now,
      })
      .where(eq(threads.id, threadId))
      .run();
    return appendEvents(
      tx,
      [
        {
          type: 'thread.updated',
          thread: presentThread(tx, threadId)!,
          actor: { id: actor.id, name: actor.name },
        },
      ],
      now,
      actor.id,
    );
  });
}
