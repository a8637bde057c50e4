// The office's reply settings: the sending identity the mailer is configured with, and the settings an
// admin changes (approval, the automatic acknowledgement).
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { settings } from '../../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Tx } from '../append-events.ts';

export interface ReplySettings {
  /** The newsdesk address replies come from. */
  ownAddress: string;
  /** "FCDO Newsdesk" in "Amal Haddad — FCDO Newsdesk <newsdesk@…>". */
  officeName: string;
  undoSeconds: number;
  /** False when there is no IMAP mailbox to keep a Sent copy in. */
  keepSentCopy: boolean;
}

/** The setting that makes every reply wait for an approver (users.canApprove). */
export const REQUIRE_APPROVAL_KEY = 'requireApproval';
export function requiresApproval(db: Db | Tx): boolean {
  const row = db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, REQUIRE_APPROVAL_KEY))
    .get();
  return row?.value === true;
}

export interface ReplyOfficeSettings {
  requireApproval: boolean;
  acknowledgement: { enabled: boolean; texts: Record<string, string> };
}

/** The office-wide reply settings: sign-off, and the automatic acknowledgement and its texts. */
export function readReplySettings(db: Db | Tx): ReplyOfficeSettings {
  const ack = db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, 'acknowledgement'))
    .get()?.value as { enabled?: boolean; texts?: Record<string, string> } | undefined;
  return {
    requireApproval: requiresApproval(db),
    acknowledgement: { enabled: ack?.enabled === true, texts: ack?.texts ?? {} },
  };
}

/** An admin changes the reply settings; omitted fields stay as they are. */
export function updateReplySettings(
  db: Db,
  patch: Partial<ReplyOfficeSettings>,
  actor: { id: number; role: string },
  now: Date,
): ReplyOfficeSettings {
  if (actor.role !== 'admin') throw new AppError('forbidden', 403, 'only an admin can change reply settings');
  return db.transaction((tx) => {
    const write = (key: string, value: unknown) =>
      tx
        .insert(settings)
        .values({ key, value, updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } })
        .run();
    if (patch.requireApproval !== undefined) write(REQUIRE_APPROVAL_KEY, patch.requireApproval);
    if (patch.acknowledgement !== undefined) write('acknowledgement', patch.acknowledgement);
    return readReplySettings(tx);
  });
}
