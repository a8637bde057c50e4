import type { ThreadSummary } from '../types.ts';
import { RelativeTime } from './RelativeTime.tsx';
import { StatusBadge } from './StatusBadge.tsx';

interface Props {
  thread: ThreadSummary;
  selected: boolean;
  fresh: boolean;
  onOpen(id: number): void;
}

/**
 * Everything here that came out of an email is a text child with dir="auto": Preact sets text
 * nodes, never HTML, and each field picks its own direction so Arabic reads right-to-left.
 */
export function ThreadRow({ thread: t, selected, fresh, onOpen }: Props) {
  const who = t.correspondent ? (t.correspondent.name ?? t.correspondent.email) : 'Unknown sender';
  return (
    <li
      class={`row${selected ? ' is-selected' : ''}${fresh ? ' is-fresh' : ''}`}
      data-testid="thread-row"
      data-thread-id={t.id}
    >
      <button
        type="button"
        class="row-button"
        aria-current={selected ? 'true' : undefined}
        onClick={() => onOpen(t.id)}
      >
        <span class="row-top">
          <span class="row-who" dir="auto" data-testid="thread-correspondent" title={t.correspondent?.email}>
            {who}
          </span>
          {t.messageCount > 1 && (
            <span class="row-count" data-testid="thread-count" aria-label={`${t.messageCount} messages`}>
              {t.messageCount}
            </span>
          )}
          <RelativeTime class="row-time" iso={t.lastActivityAt} />
        </span>
        <span class="row-subject" dir="auto" data-testid="thread-subject">
          {t.subject || '(no subject)'}
        </span>
        <span class="row-snippet" dir="auto" data-testid="thread-snippet">
          {t.snippet}
        </span>
        <span class="row-meta">
          <StatusBadge status={t.status} />
          {t.release && (
            <span
              class="row-release"
              dir="auto"
              data-testid="thread-release"
              title={`About: ${t.release.title}`}
            >
              {t.release.title}
            </span>
          )}
          {t.assignee && (
            <span class="row-assignee" dir="auto">
              {t.assignee.name}
            </span>
          )}
        </span>
      </button>
    </li>
  );
}
