import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { useApp, useT } from '../context.ts';
import type { ThreadSummary } from '../types.ts';

/** Pick the enquiry this one is merged into: from the list, or by searching. */
export function MergeDialog({ thread, onClose }: { thread: ThreadSummary; onClose(): void }) {
  const app = useApp();
  const t = useT();
  const query = useSignal('');
  const found = useSignal<ThreadSummary[]>([]);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  useEffect(() => {
    const q = query.value.trim();
    if (!q) {
      found.value = [];
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      app.api.search(q, abort.signal).then(
        (res) => (found.value = res.results.map((r) => r.thread)),
        () => undefined,
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [query.value]);

  // Without a query: the same correspondent's other threads first, then the rest of the list.
  const candidates = (query.value.trim() ? found.value : app.store.threads.value)
    .filter((x) => x.id !== thread.id)
    .sort(
      (a, b) =>
        Number(b.correspondent?.email === thread.correspondent?.email) -
        Number(a.correspondent?.email === thread.correspondent?.email),
    )
    .slice(0, 20);

  return (
    <dialog
      ref={dialog}
      class="dialog"
      data-testid="merge-dialog"
      onClose={onClose}
      aria-labelledby="merge-title"
    >
      <h2 id="merge-title">{t('actions.mergeTitle')}</h2>
      <input
        type="search"
        dir="auto"
        autoFocus
        aria-label={t('actions.mergeSearch')}
        placeholder={t('actions.mergeSearch')}
        value={query.value}
        data-testid="merge-search"
        onInput={(ev: TargetedEvent<HTMLInputElement>) => (query.value = ev.currentTarget.value)}
      />
      <ul class="dialog-list">
        {candidates.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              class="btn btn-quiet dialog-choice"
              data-testid="merge-target"
              onClick={async () => {
                if (await app.merge(thread.id, c.id)) dialog.current?.close();
              }}
            >
              <bdi dir="auto">{t('actions.mergeConfirm', { subject: c.subject })}</bdi>{' '}
              <span class="addr">
                <bdi>{c.correspondent?.email ?? ''}</bdi>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" class="btn" onClick={() => dialog.current?.close()}>
        {t('common.cancel')}
      </button>
    </dialog>
  );
}
