// Classifies an inbound message as human, auto-reply, bounce, list traffic or abuse report (issue 4,
// BAD-INPUTS L-01…L-15). Pure: headers, decoded text and parts in, a verdict out.
import { feedbackReport } from './arf.ts';
import {
  ackSuppressionHint,
  autoSubmitted,
  exchangeOutOfOffice,
  listHeaders,
  nullSender,
  precedenceAutoReply,
  precedenceBulk,
  readReceipt,
  responderHeaders,
  subjectHeuristic,
} from './automatic.ts';
import { bounceHeaders, bounceReport, deliveryReport, nonStandardBounce } from './bounce.ts';
import type { Classification, ClassifyInput, Verdict } from './types.ts';

export type {
  BounceRecipient,
  BounceReport,
  Classification,
  ClassifyInput,
  MessageKind,
  RecipientAction,
} from './types.ts';
export { isOwnMessage, type OwnIdentity, type OwnMessageInput } from './own-mail.ts';

type Rule = (input: ClassifyInput) => Verdict | null;

/**
 * First match wins, so the order is the policy:
 * - Reports first. An ARF or DSN is machine-readable and says exactly what it is; bounces routinely
 *   carry `Auto-Submitted: auto-replied` (Postfix, Exim, Gmail) or `Precedence: bulk` (Office 365),
 *   and a list may relay a DSN with its List-Id (rfc3464-07): they are still bounces.
 * - Explicit auto-reply markers before list headers. An auto-reply relayed by a list (or a responder
 *   that also adds List-Unsubscribe) is an auto-reply: it must never reopen a thread, and saying
 *   "automatic" is the more specific fact.
 * - List headers before the subject guesses, which only ever yield `probable`.
 */
const RULES: readonly Rule[] = [
  feedbackReport,
  deliveryReport,
  bounceHeaders,
  nonStandardBounce,
  readReceipt,
  autoSubmitted,
  responderHeaders,
  precedenceAutoReply,
  exchangeOutOfOffice,
  listHeaders,
  precedenceBulk,
  subjectHeuristic,
  nullSender,
];

/** Classifies one parsed inbound message; never throws on odd input. */
export function classifyMessage(input: ClassifyInput): Classification {
  for (const rule of RULES) {
    const verdict = rule(input);
    if (verdict === null) continue;
    const result: Classification = { ...verdict, suppressAutoAck: true };
    if (verdict.kind === 'bounce') result.bounce = bounceReport(input);
    return result;
  }
  const hint = ackSuppressionHint(input);
  return {
    kind: 'human',
    suppressAutoAck: hint !== null,
    probable: false,
    reason: hint ?? 'no automatic markers',
  };
}
