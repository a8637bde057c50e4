import { useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { ThreadStatus } from '../types.ts';

const KNOWN = new Set(['new', 'open', 'waiting', 'answered', 'closed']);

export function StatusBadge({ status }: { status: ThreadStatus }) {
  const t = useT();
  // Unknown statuses from a newer server still render, just unstyled.
  const label = KNOWN.has(status) ? t(`status.${status}` as MessageKey) : status;
  return (
    <span class={`badge badge-${status}`} data-testid="thread-status" data-status={status}>
      {label}
    </span>
  );
}
