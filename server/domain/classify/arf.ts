// Abuse / feedback-loop reports: RFC 5965 (ARF), `multipart/report; report-type=feedback-report`.
import { isReport, mediaType, readHeaderBlock } from './headers.ts';
import type { ClassifyInput, Verdict } from './types.ts';

/** An ARF report: never an enquiry and never answered (L-14). */
export function feedbackReport({ headers, attachments }: ClassifyInput): Verdict | null {
  const part = attachments.find((a) => mediaType(a.contentType) === 'message/feedback-report');
  if (!isReport(headers, 'feedback-report') && !part) return null;
  // RFC 5965 §3.1: Feedback-Type is abuse, fraud, virus, not-spam, other…
  const type = part ? readHeaderBlock(part.content.toString('latin1')).get('feedback-type')?.[0] : undefined;
  const suffix = type ? `: ${type.replace(/[^\w-]/g, '').slice(0, 20)}` : '';
  return { kind: 'abuse-report', probable: false, reason: `feedback report (RFC 5965 ARF)${suffix}` };
}
