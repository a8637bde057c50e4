import { useApp } from '../context.ts';
import { ThreadRow } from './ThreadRow.tsx';

export function ThreadList() {
  const app = useApp();
  const { store } = app;
  const threads = store.threads.value;
  const state = store.listState.value;
  const selected = store.selectedId.value;
  const fresh = store.fresh.value;

  return (
    <section class="list-pane" aria-labelledby="list-title">
      <h2 id="list-title" class="pane-title">
        Enquiries
        {threads.length > 0 && (
          <span class="pane-count">
            {threads.length}
            {store.nextCursor.value ? '+' : ''}
          </span>
        )}
      </h2>

      {store.listError.value && (
        <div class="inline-error" role="alert">
          <span>{store.listError.value}</span>
          <button type="button" class="btn btn-quiet" onClick={() => void app.retryList()}>
            Retry
          </button>
        </div>
      )}

      {threads.length > 0 ? (
        <ul class="rows" data-testid="thread-list">
          {threads.map((t) => (
            <ThreadRow
              key={t.id}
              thread={t}
              selected={t.id === selected}
              fresh={fresh.has(t.id)}
              onOpen={(id) => void app.openThread(id)}
            />
          ))}
        </ul>
      ) : state === 'ready' ? (
        <div class="empty" data-testid="empty-state">
          <p class="empty-title">No enquiries yet</p>
          <p>New mail from journalists appears here as soon as it arrives.</p>
        </div>
      ) : state === 'error' ? null : (
        <p class="placeholder" aria-busy="true">
          Loading enquiries…
        </p>
      )}

      {store.nextCursor.value && threads.length > 0 && (
        <div class="load-more">
          <button
            type="button"
            class="btn"
            data-testid="load-more"
            disabled={store.loadingMore.value}
            onClick={() => void app.loadMore()}
          >
            {store.loadingMore.value ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}
