// Which conversation (Newsdesk thread) a message joins. The policy, strongest evidence first:
//  1. Header links. Any stored message named by In-Reply-To/References, or any stored message that
//     names this one (a child that arrived first), puts the message in that thread; if those are
//     several threads they are one conversation and merge into the oldest. No window and no
//     correspondent check: a colleague copied in, or a reply months later, is still the conversation.
//  2. Subject fallback, for clients that drop or mangle those headers: same normalised subject AND
//     same correspondent AND last activity within the window (30 days) of the message's date.
//     A generic subject ("Press enquiry", "استفسار", empty) additionally needs a reply prefix,
//     because journalists reuse such subjects for new enquiries. A forward prefix does not count.
//     Several matches: the most recently active thread. Subject matches never merge threads.
//  3. Otherwise a new thread.
import { isGenericSubject, normalizeSubject } from './subject.ts';

export interface ThreadingMessage {
  messageId: string;
  inReplyTo: string[];
  references: string[];
  subject: string;
  /** Lowercased address of the journalist: From for inbound mail, the recipient for outbound. */
  correspondent: string;
  date: Date;
}

/** A stored message whose Message-ID the new message references. */
export interface KnownMessage {
  messageId: string;
  threadId: number;
}

/** A stored message that references the new message's Message-ID (a child that arrived first). */
export interface ReferencingMessage {
  threadId: number;
}

export interface SubjectCandidate {
  threadId: number;
  normalizedSubject: string;
  correspondents: string[];
  lastActivityAt: Date;
}

export interface ThreadingContext {
  referenced: KnownMessage[];
  referencing: ReferencingMessage[];
  subjectCandidates: SubjectCandidate[];
  now: Date;
  /** How far apart (in days) a subject-only match may be; default 30. */
  windowDays?: number;
}

export type ThreadDecision =
  | { kind: 'existing'; threadId: number; via: 'references' | 'child' | 'subject'; mergeThreadIds: number[] }
  | { kind: 'new' };

export const DEFAULT_SUBJECT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/** The Message-IDs a message points at, most specific (In-Reply-To, last References) first. */
export function referencedIds(
  msg: Pick<ThreadingMessage, 'inReplyTo' | 'references' | 'messageId'>,
): string[] {
  // The own id is excluded: a message that names itself would otherwise "find" its own thread, or
  // a stored duplicate of itself, and a self-loop is never evidence of a conversation.
  const seen = new Set<string>([msg.messageId]);
  const ids: string[] = [];
  const add = (id: string): void => {
    if (id && !seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  };
  for (const id of msg.inReplyTo) add(id);
  for (let i = msg.references.length - 1; i >= 0; i--) add(msg.references[i]!);
  return ids;
}

/** The instant a subject match is measured from: the Date header, unless it is missing or in the future. */
function referenceTime(msg: ThreadingMessage, now: Date): number {
  const sent = msg.date instanceof Date ? msg.date.getTime() : Number.NaN;
  // A forged or skewed future Date must not open a window nobody else can match; backfilled old
  // mail keeps its own date so it threads with its own era, not with today's threads.
  return Number.isFinite(sent) && sent <= now.getTime() ? sent : now.getTime();
}

function chooseBySubject(msg: ThreadingMessage, ctx: ThreadingContext): ThreadDecision {
  const subject = normalizeSubject(msg.subject);
  const correspondent = msg.correspondent.trim().toLowerCase();
  if (!correspondent) return { kind: 'new' };
  // A generic subject ("Press enquiry", "استفسار", empty) only says the journalist wants something:
  // the same journalist sending another brand-new "Press enquiry" next week is a new enquiry. Only
  // a reply prefix tells us their client is continuing an earlier message. A forward prefix does not:
  // forwarding is how people pass something on, not how they answer it.
  if (isGenericSubject(subject.base) && !subject.isReply) return { kind: 'new' };

  const windowDays =
    typeof ctx.windowDays === 'number' && Number.isFinite(ctx.windowDays) && ctx.windowDays >= 0
      ? ctx.windowDays
      : DEFAULT_SUBJECT_WINDOW_DAYS;
  const at = referenceTime(msg, ctx.now);
  let best: SubjectCandidate | undefined;
  for (const c of ctx.subjectCandidates) {
    if (c.normalizedSubject !== subject.base) continue;
    // Same subject from two journalists is two enquiries: the correspondent is the real key.
    if (!c.correspondents.some((a) => a.trim().toLowerCase() === correspondent)) continue;
    const last = c.lastActivityAt.getTime();
    // Absolute distance: during a backfill the candidate's activity may be after this message.
    if (!Number.isFinite(last) || Math.abs(at - last) > windowDays * DAY_MS) continue;
    // The most recently active conversation is the one a reply most likely continues.
    if (
      !best ||
      last > best.lastActivityAt.getTime() ||
      (last === best.lastActivityAt.getTime() && c.threadId < best.threadId)
    ) {
      best = c;
    }
  }
  return best
    ? { kind: 'existing', threadId: best.threadId, via: 'subject', mergeThreadIds: [] }
    : { kind: 'new' };
}

/** Chooses the conversation a message belongs to. */
export function chooseThread(msg: ThreadingMessage, ctx: ThreadingContext): ThreadDecision {
  // Header links are explicit, so they need no window and no correspondent check, and every thread
  // they touch is the same conversation (a reply quoting two threads, or a child that came first).
  const viaReferences = new Set(
    ctx.referenced.filter((k) => k.messageId !== msg.messageId).map((k) => k.threadId),
  );
  const linked = new Set([...viaReferences, ...ctx.referencing.map((r) => r.threadId)]);
  if (linked.size > 0) {
    // The oldest thread survives so that links and bookmarks to it stay valid.
    const [target, ...others] = [...linked].sort((a, b) => a - b);
    return {
      kind: 'existing',
      threadId: target!,
      via: viaReferences.size > 0 ? 'references' : 'child',
      mergeThreadIds: others,
    };
  }
  // Subject matching is a fallback for clients that drop or mangle In-Reply-To/References, so it
  // runs also when the headers name only ids we never stored.
  return chooseBySubject(msg, ctx);
}
