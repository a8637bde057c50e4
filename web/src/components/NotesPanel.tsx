import { useSignal } from '@preact/signals';
import type { TargetedEvent } from 'preact';
import { useApp, useT } from '../context.ts';
import type { Note } from '../types.ts';
import { RelativeTime } from './RelativeTime.tsx';

/** Internal notes: staff only, never sent; new ones from colleagues arrive live (note.created). */
export function NotesPanel({ threadId, notes }: { threadId: number; notes: Note[] }) {
  const app = useApp();
  const t = useT();
  const draft = useSignal('');
  const busy = useSignal(false);

  async function submit(ev: TargetedEvent<HTMLFormElement>) {
    ev.preventDefault();
    const body = draft.value.trim();
    if (!body || busy.value) return;
    busy.value = true;
    if (await app.addNote(threadId, body)) draft.value = '';
    busy.value = false;
  }

  return (
    <section class="notes" aria-labelledby="notes-title" data-testid="notes">
      <h3 id="notes-title" class="notes-title">
        {t('notes.title')}
      </h3>
      <p class="notes-hint">{t('notes.hint')}</p>
      {notes.length === 0 ? (
        <p class="placeholder">{t('notes.none')}</p>
      ) : (
        <ul class="notes-list">
          {notes.map((n) => (
            <li key={n.id} class="note" data-testid="note">
              <span class="note-head">
                <bdi dir="auto">{n.author.name}</bdi> · <RelativeTime iso={n.createdAt} />
              </span>
              <p class="note-body" dir="auto">
                {n.body}
              </p>
            </li>
          ))}
        </ul>
      )}
      <form class="note-form" onSubmit={submit}>
        <textarea
          dir="auto"
          rows={2}
          maxLength={20000}
          aria-label={t('notes.placeholder')}
          placeholder={t('notes.placeholder')}
          data-testid="note-input"
          value={draft.value}
          onInput={(ev: TargetedEvent<HTMLTextAreaElement>) => (draft.value = ev.currentTarget.value)}
        />
        <button type="submit" class="btn" data-testid="note-add" disabled={busy.value || !draft.value.trim()}>
          {t('notes.add')}
        </button>
      </form>
    </section>
  );
}
