// Shared shapes of the classifier; index.ts re-exports them as the public API.

export type MessageKind = 'human' | 'auto-reply' | 'bounce' | 'list' | 'abuse-report';

export interface ClassifyInput {
  /** Lower-case field name → raw unfolded values (undecoded latin1), as `readRawHeaders` gives them. */
  headers: Map<string, string[]>;
  from: { name: string | null; address: string };
  /** Decoded subject. */
  subject: string;
  /** Decoded plain-text body (or text derived from HTML). */
  text: string;
  attachments: { contentType: string; content: Buffer; filename: string | null }[];
  /**
   * The untouched message, optional. Read only when MIME parsing yielded neither text nor parts
   * (a `multipart/report` whose boundaries do not match, as some old sendmail DSNs have), so the
   * report fields in the body are not lost.
   */
  raw?: Buffer;
}

export type RecipientAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded' | 'unknown';

export interface BounceRecipient {
  address: string;
  action: RecipientAction;
  /** RFC 3463 enhanced status code, e.g. "5.1.1". */
  status: string | null;
  diagnostic: string | null;
}

export interface BounceReport {
  /**
   * Message-IDs of the original message(s) the bounce is about, from the embedded message/rfc822 or
   * text/rfc822-headers part, or from the body text for non-standard bounces. Bare ids without <>.
   */
  originalMessageIds: string[];
  recipients: BounceRecipient[];
  /** failed when any recipient permanently failed (5.x.x); delayed when only 4.x.x / Action: delayed. */
  outcome: 'failed' | 'delayed' | 'other';
}

export interface Classification {
  kind: MessageKind;
  /**
   * Send no automatic acknowledgement to it (true for every non-human kind, and for human mail
   * carrying X-Auto-Response-Suppress / Precedence hints).
   */
  suppressAutoAck: boolean;
  /** Heuristic only (e.g. subject-only "Auto reply:"): shown as "probably automatic". */
  probable: boolean;
  /** Readable: "Auto-Submitted: auto-replied", "delivery status notification (RFC 3464)", "List-Id header"… */
  reason: string;
  bounce?: BounceReport;
}

/** What one rule concludes; index.ts turns the first one that fires into a Classification. */
export interface Verdict {
  kind: Exclude<MessageKind, 'human'>;
  probable: boolean;
  reason: string;
}
