import { useApp, useT } from '../context.ts';
import type { ListFilter } from '../filter.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { ThreadStatus, ThreadView } from '../types.ts';

const VIEWS: ThreadView[] = ['all', 'mine', 'unassigned', 'unlinked'];
const STATUSES: ThreadStatus[] = ['new', 'open', 'waiting', 'answered', 'closed'];
const LANGUAGES = ['en', 'ar'];

function Count({ n, hint }: { n: number | undefined; hint?: string | undefined }) {
  return n === undefined ? null : (
    <span class="side-count" title={hint}>
      {n}
    </span>
  );
}

/** Views, statuses, deadlines, languages and releases, each a filter of the one list. */
export function Sidebar() {
  const app = useApp();
  const t = useT();
  const { store } = app;
  const f = store.filter.value;
  const counts = store.counts.value;
  const inbox = store.route.value === 'inbox';
  const set = (next: ListFilter) => app.setFilter(next);
  // Narrowing keeps the view; picking a view starts from it alone.
  const toggle = (patch: Partial<ListFilter>, on: boolean) =>
    set({ ...f, ...(on ? patch : Object.fromEntries(Object.keys(patch).map((k) => [k, undefined]))) });

  const releaseCounts = new Map((counts?.releases ?? []).map((r) => [r.familyId, r]));
  // One entry per translation family (the original), busiest first.
  const families = store.releases.value
    .filter((r) => r.familyId === r.id)
    .map((r) => ({ release: r, count: releaseCounts.get(r.id) }))
    .filter((x) => x.count && x.count.total > 0)
    .sort(
      (a, b) => (b.count?.open ?? 0) - (a.count?.open ?? 0) || (b.count?.total ?? 0) - (a.count?.total ?? 0),
    )
    .slice(0, 30);

  const item = (
    key: string,
    label: string,
    active: boolean,
    onClick: () => void,
    n?: number,
    testId?: string,
    dir?: 'auto',
    hint?: string,
  ) => (
    <li key={key}>
      <button
        type="button"
        class={`side-item${active && inbox ? ' is-active' : ''}`}
        aria-pressed={active && inbox}
        data-testid={testId}
        onClick={onClick}
      >
        <span class="side-label" dir={dir}>
          {label}
        </span>
        <Count n={n} hint={hint} />
      </button>
    </li>
  );

  const hasNarrowing =
    f.releaseFamilyId !== undefined ||
    Boolean(f.statuses?.length) ||
    Boolean(f.language || f.deadline || f.tag);
  return (
    <nav class="sidebar" aria-label={t('views.title')} data-testid="sidebar">
      <h2 class="side-title">{t('views.title')}</h2>
      <ul class="side-list">
        {VIEWS.map((v) =>
          item(
            v,
            t(`view.${v}` as MessageKey),
            f.view === v && !hasNarrowing,
            () => set({ view: v }),
            counts?.views[v],
            `view-${v}`,
            undefined,
            // View counts are what still needs attention; the list itself also shows answered and closed.
            counts ? t('views.countHint', { n: counts.views[v] }) : undefined,
          ),
        )}
      </ul>
      <h2 class="side-title">{t('statuses.title')}</h2>
      <ul class="side-list">
        {STATUSES.map((s) => {
          const on = f.statuses?.length === 1 && f.statuses[0] === s;
          return item(
            s,
            t(`status.${s}` as MessageKey),
            on,
            () => toggle({ statuses: [s] }, !on),
            counts?.statuses[s],
            `status-${s}`,
          );
        })}
      </ul>
      <h2 class="side-title">{t('deadlines.title')}</h2>
      <ul class="side-list">
        {item(
          'overdue',
          t('deadline.overdue'),
          f.deadline === 'overdue',
          () => toggle({ deadline: 'overdue' }, f.deadline !== 'overdue'),
          counts?.overdue,
          'deadline-overdue',
        )}
        {item(
          'today',
          t('deadline.today'),
          f.deadline === 'today',
          () => toggle({ deadline: 'today' }, f.deadline !== 'today'),
          counts?.dueToday,
          'deadline-today',
        )}
      </ul>
      <h2 class="side-title">{t('languages.title')}</h2>
      <ul class="side-list">
        {LANGUAGES.map((l) =>
          item(
            l,
            t(`language.${l}` as MessageKey),
            f.language === l,
            () => toggle({ language: l }, f.language !== l),
            undefined,
            `language-${l}`,
          ),
        )}
      </ul>
      {families.length > 0 && (
        <>
          <h2 class="side-title">{t('releases.title')}</h2>
          <ul class="side-list side-releases">
            {families.map(({ release, count }) =>
              item(
                `r${release.id}`,
                release.title,
                f.releaseFamilyId === release.id,
                () => toggle({ releaseFamilyId: release.id }, f.releaseFamilyId !== release.id),
                count?.open,
                `release-${release.id}`,
                'auto',
              ),
            )}
          </ul>
        </>
      )}
      {f.tag && (
        <p class="side-tag">
          <span dir="auto">{t('filter.tag', { tag: f.tag })}</span>
        </p>
      )}
      {hasNarrowing && (
        <button
          type="button"
          class="btn btn-quiet side-clear"
          data-testid="clear-filters"
          onClick={() => set({ view: f.view })}
        >
          {t('filter.clear')}
        </button>
      )}
    </nav>
  );
}
