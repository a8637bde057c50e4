import { useSignal } from '@preact/signals';
import type { TargetedEvent, TargetedKeyboardEvent } from 'preact';
import { useApp, useT } from '../context.ts';

/** Results as you type (debounced in the controller); `/` anywhere focuses the box. */
export function SearchBox() {
  const app = useApp();
  const t = useT();
  const { store } = app;
  const s = store.search.value;
  const open = useSignal(false);
  const active = useSignal(0);
  const show = open.value && s.query.trim() !== '';

  function choose(threadId: number) {
    open.value = false;
    app.go('inbox');
    void app.openThread(threadId);
  }

  function onKeyDown(ev: TargetedKeyboardEvent<HTMLInputElement>) {
    const n = s.results.length;
    if (ev.key === 'ArrowDown' && n) {
      ev.preventDefault();
      active.value = (active.value + 1) % n;
    } else if (ev.key === 'ArrowUp' && n) {
      ev.preventDefault();
      active.value = (active.value - 1 + n) % n;
    } else if (ev.key === 'Enter' && n) {
      ev.preventDefault();
      choose(s.results[Math.min(active.value, n - 1)]!.thread.id);
    } else if (ev.key === 'Escape') {
      open.value = false;
    }
  }

  return (
    <div class="search" role="search">
      <input
        type="search"
        dir="auto"
        class="search-input"
        data-testid="search-input"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        autoComplete="off"
        role="combobox"
        aria-expanded={show}
        aria-controls="search-results"
        aria-activedescendant={show && s.results.length ? `search-result-${active.value}` : undefined}
        value={s.query}
        onInput={(ev: TargetedEvent<HTMLInputElement>) => {
          open.value = true;
          active.value = 0;
          app.search(ev.currentTarget.value);
        }}
        onFocus={() => (open.value = true)}
        onBlur={() => setTimeout(() => (open.value = false), 150)}
        onKeyDown={onKeyDown}
      />
      {show && (
        <ul id="search-results" class="search-results" role="listbox" data-testid="search-results">
          {s.status === 'searching' && s.results.length === 0 && (
            <li class="search-note">{t('search.searching')}</li>
          )}
          {s.status === 'ready' && s.results.length === 0 && <li class="search-note">{t('search.none')}</li>}
          {s.results.map((r, i) => (
            <li
              key={`${r.thread.id}-${r.messageId}`}
              id={`search-result-${i}`}
              role="option"
              aria-selected={i === active.value}
              class={`search-result${i === active.value ? ' is-active' : ''}`}
              data-testid="search-result"
              onMouseDown={(ev) => {
                ev.preventDefault();
                choose(r.thread.id);
              }}
            >
              <span class="search-subject" dir="auto">
                {r.thread.subject}
              </span>
              <span class="search-who" dir="auto">
                {r.thread.correspondent?.name ?? r.thread.correspondent?.email ?? ''}
              </span>
              <span class="search-snippet" dir="auto">
                {r.snippet}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
