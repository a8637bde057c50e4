import { useSignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { useApp, useT } from '../context.ts';
import { ThreadRow } from './ThreadRow.tsx';

/** Every row has this height (CSS pins it), so the visible slice is plain arithmetic. */
export const ROW_HEIGHT = 104;
// Rows rendered beyond the viewport on each side, so fast scrolling shows no gaps.
const OVERSCAN = 6;
// Start fetching the next page this many rows before the end.
const PREFETCH_ROWS = 30;

/**
 * The enquiry list, virtualised: only the rows in view (and a few around them) are in the DOM,
 * so 10,000 threads render and update as fast as 50.
 */
export function ThreadList() {
  const app = useApp();
  const t = useT();
  const { store } = app;
  const threads = store.threads.value;
  const state = store.listState.value;
  const selected = store.selectedId.value;
  const fresh = store.fresh.value;
  const now = store.now.value;
  const scroller = useRef<HTMLDivElement>(null);
  const scrollTop = useSignal(0);
  const viewport = useSignal(800);
  const cursorId = store.cursorId.value ?? selected ?? threads[0]?.id ?? null;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // A new scroller (another view) starts at its own top, not where the last one was.
    scrollTop.value = el.scrollTop;
    viewport.value = el.clientHeight || 800;
    const observer = new ResizeObserver(() => (viewport.value = el.clientHeight || 800));
    observer.observe(el);
    return () => observer.disconnect();
  }, [threads.length > 0]);

  // Keep the keyboard cursor in view and focused, without stealing focus from an input.
  useEffect(() => {
    const el = scroller.current;
    const id = store.cursorId.value;
    if (!el || id === null) return;
    const index = threads.findIndex((x) => x.id === id);
    if (index === -1) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    scrollTop.value = el.scrollTop;
    const active = document.activeElement;
    const typing =
      active instanceof HTMLElement &&
      active.closest('input, textarea, select, [contenteditable="true"], iframe');
    if (!typing && !store.helpOpen.value) {
      requestAnimationFrame(() =>
        el.querySelector<HTMLElement>(`[data-thread-id="${id}"] .row-button`)?.focus({ preventScroll: true }),
      );
    }
  }, [store.cursorId.value]);

  const total = threads.length;
  // Clamped, so a list that shrank under the scroll position still shows its last rows.
  const visible = Math.ceil(viewport.value / ROW_HEIGHT);
  const start = Math.max(0, Math.min(Math.floor(scrollTop.value / ROW_HEIGHT), total - visible) - OVERSCAN);
  const end = Math.min(total, Math.ceil((scrollTop.value + viewport.value) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    if (
      end >= total - PREFETCH_ROWS &&
      store.nextCursor.value &&
      !store.loadingMore.value &&
      state === 'ready'
    )
      void app.loadMore();
  }, [end, total, state]);

  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (scroller.current) scrollTop.value = scroller.current.scrollTop;
    });
  };

  const filtered = Object.keys(store.filter.value).length > 1 || store.filter.value.view !== 'all';
  return (
    <section class="list-pane" aria-labelledby="list-title">
      <h2 id="list-title" class="pane-title">
        {t('list.title')}
        {total > 0 && (
          <span class="pane-count" data-testid="list-count" data-total={total}>
            {total}
            {store.nextCursor.value ? '+' : ''}
          </span>
        )}
      </h2>

      {store.listError.value && (
        <div class="inline-error" role="alert">
          <span>{store.listError.value}</span>
          <button type="button" class="btn btn-quiet" onClick={() => void app.retryList()}>
            {t('common.retry')}
          </button>
        </div>
      )}

      {total > 0 ? (
        <div class="rows-scroll" ref={scroller} onScroll={onScroll} data-testid="thread-scroller">
          <ul
            class="rows"
            data-testid="thread-list"
            aria-label={t('list.title')}
            style={{ paddingBlockStart: `${start * ROW_HEIGHT}px`, blockSize: `${total * ROW_HEIGHT}px` }}
          >
            {threads.slice(start, end).map((th, i) => (
              <ThreadRow
                key={th.id}
                thread={th}
                position={start + i + 1}
                total={total}
                selected={th.id === selected}
                cursor={th.id === cursorId}
                fresh={fresh.has(th.id)}
                now={now}
                onOpen={(id) => void app.openThread(id)}
              />
            ))}
          </ul>
        </div>
      ) : state === 'ready' ? (
        <div class="empty" data-testid="empty-state">
          <p class="empty-title">{t('list.empty')}</p>
          <p>{filtered ? t('list.emptyFiltered') : t('list.emptyHint')}</p>
        </div>
      ) : state === 'error' ? null : (
        <p class="placeholder" aria-busy="true">
          {t('list.loading')}
        </p>
      )}
    </section>
  );
}
