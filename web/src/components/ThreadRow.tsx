import { useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';
import { isUnread } from '../store.ts';
import type { ThreadSummary } from '../types.ts';
import { Avatars } from './Avatars.tsx';
import { RelativeTime } from './RelativeTime.tsx';
import { StatusBadge } from './StatusBadge.tsx';

interface Props {
  thread: ThreadSummary;
  /** 1-based place in the whole (virtualised) list, for assistive tech. */
  position: number;
  total: number;
  selected: boolean;
  cursor: boolean;
  fresh: boolean;
  now: number;
  onOpen(id: number): void;
}

/**
 * Everything here that came out of an email is a text child with dir="auto": Preact sets text
 * nodes, never HTML, and each field picks its own direction so Arabic reads right-to-left.
 */
export function ThreadRow({ thread: t, position, total, selected, cursor, fresh, now, onOpen }: Props) {
  const tr = useT();
  const who = t.correspondent ? (t.correspondent.name ?? t.correspondent.email) : tr('list.unknownSender');
  const unread = isUnread(t);
  const due = t.deadline && ['new', 'open', 'waiting'].includes(t.status) ? Date.parse(t.deadline) : null;
  return (
    <li
      class={`row${selected ? ' is-selected' : ''}${cursor ? ' is-cursor' : ''}${fresh ? ' is-fresh' : ''}${unread ? ' is-unread' : ''}`}
      data-testid="thread-row"
      data-thread-id={t.id}
      data-unread={unread ? 'true' : 'false'}
      aria-setsize={total}
      aria-posinset={position}
    >
      <button
        type="button"
        class="row-button"
        aria-current={selected ? 'true' : undefined}
        tabIndex={cursor ? 0 : -1}
        onClick={() => onOpen(t.id)}
      >
        <span class="row-top">
          {unread && <span class="unread-dot" title={tr('list.unread')} aria-label={tr('list.unread')} />}
          <span class="row-who" dir="auto" data-testid="thread-correspondent" title={t.correspondent?.email}>
            {who}
          </span>
          {t.messageCount > 1 && (
            <span
              class="row-count"
              data-testid="thread-count"
              aria-label={tr('list.messages', { n: t.messageCount })}
            >
              {t.messageCount}
            </span>
          )}
          <Avatars threadId={t.id} compact />
          <RelativeTime class="row-time" iso={t.lastActivityAt} />
        </span>
        <span class="row-subject" dir="auto" data-testid="thread-subject">
          {t.subject || tr('list.noSubject')}
        </span>
        <span class="row-snippet" dir="auto" data-testid="thread-snippet">
          {t.snippet}
        </span>
        <span class="row-meta">
          <StatusBadge status={t.status} />
          {t.priority !== 'normal' && (
            <span class={`tag priority-${t.priority}`} data-testid="thread-priority">
              {tr(`priority.${t.priority}` as MessageKey)}
            </span>
          )}
          {due !== null && (
            <span class={`tag ${due < now ? 'tag-danger' : 'tag-warn'}`} data-testid="thread-due">
              {due < now
                ? tr('list.overdue')
                : tr('list.due', {
                    time: new Date(due).toLocaleString(undefined, {
                      weekday: 'short',
                      hour: '2-digit',
                      minute: '2-digit',
                    }),
                  })}
            </span>
          )}
          {t.release && (
            <span class="row-release" dir="auto" data-testid="thread-release" title={t.release.title}>
              {t.release.title}
            </span>
          )}
          {t.tags.map((tag) => (
            <span key={tag} class="tag tag-muted" dir="auto">
              #{tag}
            </span>
          ))}
          {t.assignee && (
            <span class="row-assignee" dir="auto" data-testid="thread-assignee">
              {t.assignee.name}
            </span>
          )}
        </span>
      </button>
    </li>
  );
}
