// What to do with a reply a dead process left mid-send ('sending' at start-up): the message may or may
// not have been accepted by the SMTP server, and only traces outside our database can tell.

/** One place a copy of the reply could be: found, looked and absent, could not look, or no such place. */
export type CopyLookup = 'found' | 'absent' | 'unreachable' | 'unavailable';

export interface InterruptedSendFacts {
  /** The Sent folder (filled by providers that file what they relay, or by our own APPEND). */
  sent: CopyLookup;
  /** The watched inbox, where the self-copy of the interrupted attempt would arrive. */
  inbox: CopyLookup;
  /** Whether the interrupted attempt had the newsdesk's own address as an extra envelope recipient. */
  selfCopied: boolean;
  /** When the interrupted attempt started (the row's move to 'sending'). */
  attemptAt: Date;
  now: Date;
  /** How long a self-copy may take to come back through the MTA's queue. */
  graceMs: number;
  /** How soon to look again while waiting. */
  recheckMs: number;
}

export type InterruptedSendDecision =
  | { action: 'mark-sent'; evidence: 'sent' | 'inbox' }
  | { action: 'check-again'; at: Date; reason: 'unreachable' | 'awaiting-copy' }
  | { action: 'resend' };

/**
 * A copy found anywhere proves the server took the message: one 250 after DATA commits it for every
 * recipient at once, so the self-copy in our inbox means the journalist's was accepted too. A place we
 * could not look means we cannot know yet, and guessing could mean a second delivery. Without a copy,
 * a self-copied attempt is given `graceMs` to come back (it may sit in the MTA's queue) before the
 * message is sent again; an attempt without a self-copy has nothing more to wait for.
 */
export function decideInterruptedSend(f: InterruptedSendFacts): InterruptedSendDecision {
  if (f.sent === 'found') return { action: 'mark-sent', evidence: 'sent' };
  if (f.inbox === 'found') return { action: 'mark-sent', evidence: 'inbox' };
  const now = f.now.getTime();
  if (f.sent === 'unreachable' || f.inbox === 'unreachable')
    return { action: 'check-again', at: new Date(now + f.recheckMs), reason: 'unreachable' };
  const copyDueBy = f.attemptAt.getTime() + f.graceMs;
  if (f.selfCopied && f.inbox === 'absent' && now < copyDueBy)
    return {
      action: 'check-again',
      at: new Date(Math.min(now + f.recheckMs, copyDueBy)),
      reason: 'awaiting-copy',
    };
  return { action: 'resend' };
}
