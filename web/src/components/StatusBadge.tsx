import type { ThreadStatus } from '../types.ts';

const LABELS: Record<ThreadStatus, string> = {
  new: 'New',
  open: 'Open',
  waiting: 'Waiting',
  answered: 'Answered',
  closed: 'Closed',
};

export function StatusBadge({ status }: { status: ThreadStatus }) {
  // Unknown statuses from a newer server still render, just unstyled.
  const label = (LABELS as Record<string, string>)[status] ?? status;
  return (
    <span class={`badge badge-${status}`} data-testid="thread-status">
      {label}
    </span>
  );
}
