/** The decision for a reply a dead process left mid-send: evidence, grace period, resend. */
import { describe, expect, it } from 'vitest';
import { decideInterruptedSend, type InterruptedSendFacts } from '../../../server/domain/interrupted-send.ts';

const attemptAt = new Date('2026-11-16T10:00:00Z');
const at = (seconds: number) => new Date(attemptAt.getTime() + seconds * 1000);
const facts = (over: Partial<InterruptedSendFacts>): InterruptedSendFacts => ({
  sent: 'absent',
  inbox: 'absent',
  selfCopied: true,
  attemptAt,
  now: at(5),
  graceMs: 120_000,
  recheckMs: 10_000,
  ...over,
});

describe('decideInterruptedSend', () => {
  it('a copy in Sent or in the inbox means sent', () => {
    expect(decideInterruptedSend(facts({ sent: 'found' }))).toEqual({
      action: 'mark-sent',
      evidence: 'sent',
    });
    expect(decideInterruptedSend(facts({ inbox: 'found' }))).toEqual({
      action: 'mark-sent',
      evidence: 'inbox',
    });
    // Found in one place settles it even when the other cannot be searched.
    expect(decideInterruptedSend(facts({ sent: 'unreachable', inbox: 'found' }))).toMatchObject({
      action: 'mark-sent',
    });
    expect(decideInterruptedSend(facts({ sent: 'found', inbox: 'unreachable' }))).toMatchObject({
      action: 'mark-sent',
    });
  });

  it('a folder that cannot be searched means look again, never a guess, even after the grace period', () => {
    expect(decideInterruptedSend(facts({ inbox: 'unreachable', now: at(600) }))).toEqual({
      action: 'check-again',
      at: at(610),
      reason: 'unreachable',
    });
    expect(decideInterruptedSend(facts({ sent: 'unreachable', selfCopied: false }))).toMatchObject({
      action: 'check-again',
      reason: 'unreachable',
    });
  });

  it('no copy yet of a self-copied attempt: wait, checking again, until the grace period ends', () => {
    expect(decideInterruptedSend(facts({ now: at(5) }))).toEqual({
      action: 'check-again',
      at: at(15),
      reason: 'awaiting-copy',
    });
    // The last look falls exactly at the end of the grace period, not a recheck later.
    expect(decideInterruptedSend(facts({ now: at(115) }))).toEqual({
      action: 'check-again',
      at: at(120),
      reason: 'awaiting-copy',
    });
    expect(decideInterruptedSend(facts({ now: at(120) }))).toEqual({ action: 'resend' });
    expect(decideInterruptedSend(facts({ now: at(3600) }))).toEqual({ action: 'resend' });
  });

  it('without a self-copy (turned off, an acknowledgement, no inbox to search) nothing is awaited', () => {
    expect(decideInterruptedSend(facts({ selfCopied: false }))).toEqual({ action: 'resend' });
    expect(decideInterruptedSend(facts({ inbox: 'unavailable' }))).toEqual({ action: 'resend' });
    expect(
      decideInterruptedSend(facts({ sent: 'unavailable', inbox: 'unavailable', selfCopied: false })),
    ).toEqual({
      action: 'resend',
    });
  });
});
