import { useApp, useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';

/** Each statement (all its language versions together) with its enquiries and response times. */
export function ReleasesView() {
  const app = useApp();
  const t = useT();
  const { store } = app;
  const stats = new Map((store.releaseStats.value ?? []).map((s) => [s.familyId, s]));
  const families = store.releases.value
    .filter((r) => r.familyId === r.id)
    .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));

  const duration = (minutes: number | null | undefined): string => {
    if (minutes === null || minutes === undefined) return '—';
    return minutes < 120
      ? t('releasesView.minutes', { n: Math.round(minutes) })
      : t('releasesView.hours', { n: (minutes / 60).toFixed(1) });
  };
  const languageName = (code: string): string =>
    code === 'en' || code === 'ar' ? t(`language.${code}` as MessageKey) : code;

  return (
    <main class="releases-view" aria-labelledby="releases-title" data-testid="releases-view">
      <h2 id="releases-title" class="pane-title">
        {t('releasesView.title')}
      </h2>
      {families.length === 0 ? (
        <p class="placeholder">{t('releasesView.none')}</p>
      ) : (
        <table class="releases-table">
          <thead>
            <tr>
              <th scope="col">{t('releasesView.title')}</th>
              <th scope="col">{t('releasesView.enquiries')}</th>
              <th scope="col">{t('releasesView.open')}</th>
              <th scope="col">{t('releasesView.languages')}</th>
              <th scope="col">{t('releasesView.firstResponse')}</th>
            </tr>
          </thead>
          <tbody>
            {families.map((r) => {
              const s = stats.get(r.id);
              return (
                <tr key={r.id} data-testid="release-row">
                  <th scope="row">
                    <button
                      type="button"
                      class="btn btn-quiet release-link"
                      title={t('releasesView.show')}
                      onClick={() => app.setFilter({ view: 'all', releaseFamilyId: r.id })}
                    >
                      <bdi dir="auto">{r.title}</bdi>
                    </button>
                    <span class="release-langs">
                      {[r.language, ...r.translations.map((x) => x.language)].join(' · ')} ·{' '}
                      {r.publishedAt.slice(0, 10)}
                    </span>
                  </th>
                  <td>{s?.total ?? r.enquiries.total}</td>
                  <td>{s?.open ?? r.enquiries.open}</td>
                  <td>
                    {s ? s.languages.map((l) => `${languageName(l.language)} ${l.count}`).join(', ') : '—'}
                  </td>
                  <td>{duration(s?.medianFirstResponseMinutes)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </main>
  );
}
