import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { useApp, useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { ThreadPriority, ThreadStatus, ThreadSummary } from '../types.ts';
import { MergeDialog } from './MergeDialog.tsx';
import { ReleasePicker } from './ReleasePicker.tsx';

const STATUSES: ThreadStatus[] = ['new', 'open', 'waiting', 'answered', 'closed'];
const PRIORITIES: ThreadPriority[] = ['low', 'normal', 'high', 'urgent'];

/** `datetime-local` wants local wall time without a zone. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Everything staff do to a thread. Each control only sends the change; every open screen (this one
 * included) shows the result from the server's answer and its thread.updated event.
 */
export function ThreadActions({ thread: t }: { thread: ThreadSummary }) {
  const app = useApp();
  const tr = useT();
  const { store } = app;
  const me = store.session.value.kind === 'signed-in' ? store.session.value.user : null;
  const newTag = useSignal('');
  const merging = useSignal(false);
  const statusRef = useRef<HTMLSelectElement>(null);

  // Keyboard `s` asks for the status menu.
  useEffect(() => {
    if (store.statusMenuRequest.value === 0) return;
    const el = statusRef.current;
    if (!el) return;
    el.focus();
    try {
      el.showPicker?.();
    } catch {
      // showPicker needs a user gesture in some browsers; focus alone still lets arrows change it.
    }
  }, [store.statusMenuRequest.value]);

  const users = store.users.value;
  const addTag = (ev: TargetedEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const tag = newTag.value.trim();
    if (!tag || t.tags.includes(tag)) return;
    newTag.value = '';
    void app.patchThread(t.id, { tags: [...t.tags, tag] });
  };

  return (
    <div class="actions" role="group" aria-label={tr('actions.title')} data-testid="thread-actions">
      {me && t.assignee?.id !== me.id && (
        <button type="button" class="btn" data-testid="claim" onClick={() => void app.claim(t.id)}>
          {tr('actions.claim')}
        </button>
      )}
      <label class="action-field">
        <span>{tr('actions.assignee')}</span>
        <select
          data-testid="assignee-select"
          value={t.assignee ? String(t.assignee.id) : ''}
          onChange={(ev: TargetedEvent<HTMLSelectElement>) => {
            const v = ev.currentTarget.value;
            void app.patchThread(t.id, { assigneeId: v ? Number(v) : null });
          }}
        >
          <option value="">{tr('actions.unassigned')}</option>
          {t.assignee && !users.some((u) => u.id === t.assignee!.id) && (
            <option value={String(t.assignee.id)}>{t.assignee.name}</option>
          )}
          {users.map((u) => (
            <option key={u.id} value={String(u.id)} dir="auto">
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label class="action-field">
        <span>{tr('actions.status')}</span>
        <select
          ref={statusRef}
          data-testid="status-select"
          value={t.status}
          onChange={(ev: TargetedEvent<HTMLSelectElement>) =>
            void app.patchThread(t.id, { status: ev.currentTarget.value as ThreadStatus })
          }
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {tr(`status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label class="action-field">
        <span>{tr('actions.priority')}</span>
        <select
          data-testid="priority-select"
          value={t.priority}
          onChange={(ev: TargetedEvent<HTMLSelectElement>) =>
            void app.patchThread(t.id, { priority: ev.currentTarget.value as ThreadPriority })
          }
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {tr(`priority.${p}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label class="action-field">
        <span>{tr('actions.deadlineSet')}</span>
        <input
          type="datetime-local"
          data-testid="deadline-input"
          value={t.deadline ? toLocalInput(t.deadline) : ''}
          onChange={(ev: TargetedEvent<HTMLInputElement>) => {
            const v = ev.currentTarget.value;
            void app.setDeadline(t.id, v ? new Date(v).toISOString() : null);
          }}
        />
      </label>
      {!t.deadline && t.deadlineSuggestion && (
        <button
          type="button"
          class="btn"
          data-testid="deadline-accept"
          onClick={() => void app.setDeadline(t.id, t.deadlineSuggestion!.at)}
        >
          {tr('actions.deadlineAccept')}
        </button>
      )}
      {t.deadline && (
        <button
          type="button"
          class="btn btn-quiet"
          data-testid="deadline-clear"
          onClick={() => void app.setDeadline(t.id, null)}
        >
          {tr('actions.deadlineClear')}
        </button>
      )}
      <div class="tags-edit" data-testid="tags">
        <span class="action-label">{tr('actions.tags')}</span>
        {t.tags.map((tag) => (
          <span key={tag} class="tag tag-muted">
            <button
              type="button"
              class="tag-filter"
              dir="auto"
              title={tr('filter.tag', { tag })}
              onClick={() => app.setFilter({ view: 'all', tag })}
            >
              #{tag}
            </button>
            <button
              type="button"
              class="tag-remove"
              aria-label={tr('actions.removeTag', { tag })}
              onClick={() => void app.patchThread(t.id, { tags: t.tags.filter((x) => x !== tag) })}
            >
              ×
            </button>
          </span>
        ))}
        <form class="tag-add" onSubmit={addTag}>
          <input
            type="text"
            dir="auto"
            maxLength={50}
            data-testid="tag-input"
            aria-label={tr('actions.addTag')}
            placeholder={tr('actions.addTag')}
            value={newTag.value}
            onInput={(ev: TargetedEvent<HTMLInputElement>) => (newTag.value = ev.currentTarget.value)}
          />
        </form>
      </div>
      <ReleasePicker thread={t} />
      <button
        type="button"
        class="btn btn-quiet"
        data-testid="merge-open"
        onClick={() => (merging.value = true)}
      >
        {tr('actions.merge')}
      </button>
      {merging.value && <MergeDialog thread={t} onClose={() => (merging.value = false)} />}
      {store.actionError.value && (
        <p class="form-error" role="alert" data-testid="action-error">
          {tr('actions.failed', { message: store.actionError.value })}
        </p>
      )}
    </div>
  );
}
