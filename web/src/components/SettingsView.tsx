import { useEffect, useState } from 'preact/hooks';
import { useApp, useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Outcome } from '../settings-actions.ts';
import type { SavedReply } from '../types.ts';

// What the server fills in when a saved reply is used on a thread (README, "Saved replies").
const VARIABLES = [
  '{journalist_name}',
  '{outlet}',
  '{release_title}',
  '{release_url}',
  '{officer_name}',
  '{reference}',
];

/** The officer's signature, saved replies and lines to take; office settings and staff for admins. */
export function SettingsView() {
  const app = useApp();
  const t = useT();
  const admin = app.store.me.value?.role === 'admin';
  return (
    <main class="settings-view" aria-labelledby="settings-title" data-testid="settings-view">
      <h2 id="settings-title" class="pane-title">
        {t('settings.title')}
      </h2>
      <ProfileSection />
      <SavedRepliesSection kind="general" />
      <SavedRepliesSection kind="lines" />
      {admin && <OfficeSection />}
      {admin && <StaffSection />}
    </main>
  );
}

/** "Saved." after a success, the server's words after a refusal. */
function OutcomeLine({ outcome, testId }: { outcome: Outcome | 'saved' | undefined; testId: string }) {
  const t = useT();
  if (outcome === undefined) return <p class="settings-outcome" role="status" data-testid={testId} />;
  return outcome === 'saved' ? (
    <p class="settings-outcome" role="status" data-testid={testId}>
      {t('settings.saved')}
    </p>
  ) : (
    <p class="settings-outcome is-error" role="alert" data-testid={testId}>
      {outcome}
    </p>
  );
}

function ProfileSection() {
  const app = useApp();
  const t = useT();
  const saved = app.store.me.value?.signature ?? '';
  const [signature, setSignature] = useState(saved);
  const [outcome, setOutcome] = useState<Outcome | 'saved' | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // The profile may arrive after the screen opened.
  useEffect(() => setSignature(saved), [saved]);
  return (
    <section class="settings-section" aria-labelledby="settings-profile">
      <h3 id="settings-profile">{t('settings.profile')}</h3>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const result = await app.settings.saveSignature(signature);
          setBusy(false);
          setOutcome(result ?? 'saved');
        }}
      >
        <label class="field">
          <span class="field-label">{t('settings.signature')}</span>
          <textarea
            dir="auto"
            rows={4}
            maxLength={5000}
            data-testid="signature"
            value={signature}
            onInput={(e) => {
              setSignature((e.target as HTMLTextAreaElement).value);
              setOutcome(undefined);
            }}
          />
        </label>
        <div class="settings-actions">
          <button type="submit" class="btn btn-primary" data-testid="save-signature" disabled={busy}>
            {t('common.save')}
          </button>
          <OutcomeLine outcome={outcome} testId="signature-outcome" />
        </div>
      </form>
    </section>
  );
}

type Draft = { id: number | null; title: string; language: string; body: string };

const EMPTY: Draft = { id: null, title: '', language: 'en', body: '' };

/** General saved replies, or one release's lines to take: a list and one editor. */
function SavedRepliesSection({ kind }: { kind: 'general' | 'lines' }) {
  const app = useApp();
  const t = useT();
  const { store } = app;
  const releaseId = store.savedRepliesRelease.value;
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [outcome, setOutcome] = useState<Outcome | 'saved' | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const prefix = kind === 'general' ? 'saved' : 'lines';
  const families = store.releases.value
    .filter((r) => r.familyId === r.id)
    .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
  const shown = store.savedReplies.value.filter((s) =>
    kind === 'general' ? s.release === null : s.release !== null,
  );
  const editable = kind === 'general' || releaseId !== null;
  const otherLanguage = draft.language !== 'en' && draft.language !== 'ar';

  useEffect(() => {
    setDraft(EMPTY);
    setOutcome(undefined);
  }, [releaseId]);

  const edit = (s: SavedReply) => {
    setDraft({ id: s.id, title: s.title, language: s.language, body: s.body });
    setOutcome(undefined);
  };

  const submit = async () => {
    setBusy(true);
    const fields = { title: draft.title.trim(), language: draft.language.trim(), body: draft.body };
    const result =
      draft.id === null
        ? await app.settings.createSavedReply({
            ...fields,
            ...(kind === 'lines' ? { releaseId } : {}),
          })
        : await app.settings.updateSavedReply(draft.id, fields);
    setBusy(false);
    setOutcome(result ?? 'saved');
    if (result === null) setDraft(EMPTY);
  };

  const headingId = `settings-${prefix}`;
  return (
    <section class="settings-section" aria-labelledby={headingId} data-testid={`${prefix}-section`}>
      <h3 id={headingId}>{t(kind === 'general' ? 'settings.replies' : 'settings.lines')}</h3>
      <p class="settings-hint">{t(kind === 'general' ? 'settings.repliesHint' : 'settings.linesHint')}</p>
      {kind === 'lines' && (
        <label class="field">
          <span class="field-label">{t('settings.release')}</span>
          <select
            data-testid="lines-release"
            value={releaseId === null ? '' : String(releaseId)}
            onChange={(e) => {
              const value = (e.target as HTMLSelectElement).value;
              void app.settings.showRelease(value ? Number(value) : null);
            }}
          >
            <option value="">{t('settings.pickRelease')}</option>
            {families.map((r) => (
              <option key={r.id} value={String(r.id)} dir="auto">
                {r.title} ({r.publishedAt.slice(0, 10)})
              </option>
            ))}
          </select>
        </label>
      )}
      {editable && (
        <>
          {shown.length === 0 ? (
            <p class="placeholder">{t('settings.none')}</p>
          ) : (
            <ul class="settings-list" data-testid={`${prefix}-list`}>
              {shown.map((s) => (
                <li key={s.id} data-testid={`${prefix}-item`}>
                  <span class="settings-item-title">
                    <bdi dir="auto">{s.title}</bdi> <span class="settings-item-lang">({s.language})</span>
                  </span>
                  <button type="button" class="btn btn-quiet" onClick={() => edit(s)}>
                    {t('settings.edit')}
                  </button>
                  <button
                    type="button"
                    class="btn btn-quiet"
                    onClick={async () => {
                      if (!window.confirm(t('settings.confirmDelete', { title: s.title }))) return;
                      const result = await app.settings.deleteSavedReply(s.id);
                      if (draft.id === s.id) setDraft(EMPTY);
                      setOutcome(result ?? undefined);
                    }}
                  >
                    {t('settings.delete')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form
            class="settings-editor"
            data-testid={`${prefix}-editor`}
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <h4>
              {draft.id === null
                ? t(kind === 'general' ? 'settings.newReply' : 'settings.newLine')
                : t('settings.editing', { title: draft.title })}
            </h4>
            <label class="field">
              <span class="field-label">{t('settings.fieldTitle')}</span>
              <input
                dir="auto"
                required
                maxLength={200}
                data-testid={`${prefix}-title`}
                value={draft.title}
                onInput={(e) => setDraft({ ...draft, title: (e.target as HTMLInputElement).value })}
              />
            </label>
            <div class="settings-language">
              <label class="field">
                <span class="field-label">{t('settings.fieldLanguage')}</span>
                <select
                  data-testid={`${prefix}-language`}
                  value={otherLanguage ? 'other' : draft.language}
                  onChange={(e) => {
                    const value = (e.target as HTMLSelectElement).value;
                    setDraft({ ...draft, language: value === 'other' ? '' : value });
                  }}
                >
                  <option value="en">{t('language.en')}</option>
                  <option value="ar">{t('language.ar')}</option>
                  <option value="other">{t('settings.languageOther')}</option>
                </select>
              </label>
              {otherLanguage && (
                <label class="field">
                  <span class="field-label">{t('settings.languageCode')}</span>
                  <input
                    dir="ltr"
                    required
                    pattern="[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*"
                    maxLength={35}
                    value={draft.language}
                    onInput={(e) => setDraft({ ...draft, language: (e.target as HTMLInputElement).value })}
                  />
                </label>
              )}
            </div>
            <label class="field">
              <span class="field-label">{t('settings.fieldBody')}</span>
              <textarea
                dir="auto"
                required
                rows={6}
                data-testid={`${prefix}-body`}
                value={draft.body}
                onInput={(e) => setDraft({ ...draft, body: (e.target as HTMLTextAreaElement).value })}
              />
            </label>
            <p class="settings-hint">
              {t('settings.variables')}{' '}
              {VARIABLES.map((v) => (
                <code key={v} dir="ltr">
                  {v}
                </code>
              ))}
            </p>
            <div class="settings-actions">
              <button type="submit" class="btn btn-primary" data-testid={`${prefix}-save`} disabled={busy}>
                {draft.id === null ? t('settings.add') : t('common.save')}
              </button>
              {draft.id !== null && (
                <button type="button" class="btn" onClick={() => setDraft(EMPTY)}>
                  {t('common.cancel')}
                </button>
              )}
              <OutcomeLine outcome={outcome} testId={`${prefix}-outcome`} />
            </div>
          </form>
        </>
      )}
    </section>
  );
}

const ACK_LANGUAGES: { code: 'en' | 'ar'; label: MessageKey }[] = [
  { code: 'en', label: 'settings.ackEn' },
  { code: 'ar', label: 'settings.ackAr' },
];

/** Sign-off and the automatic acknowledgement (admins; the server refuses anyone else). */
function OfficeSection() {
  const app = useApp();
  const t = useT();
  const settings = app.store.replySettings.value;
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | 'saved' | undefined>(undefined);
  // Only new texts from the server replace what is typed: toggling a switch must not wipe it.
  const serverTexts = JSON.stringify(settings?.acknowledgement.texts ?? {});
  useEffect(() => setTexts(JSON.parse(serverTexts) as Record<string, string>), [serverTexts]);
  if (!settings) return null;

  const save = async (
    patch: Parameters<typeof app.settings.saveReplySettings>[0],
    box?: HTMLInputElement,
  ) => {
    const refused = await app.settings.saveReplySettings(patch);
    // A refused toggle goes back to what the office still has.
    if (refused !== null && box) box.checked = !box.checked;
    setOutcome(refused ?? 'saved');
  };

  return (
    <section class="settings-section" aria-labelledby="settings-office" data-testid="office-section">
      <h3 id="settings-office">{t('settings.office')}</h3>
      <label class="settings-check">
        <input
          type="checkbox"
          data-testid="require-approval"
          checked={settings.requireApproval}
          onChange={(e) => {
            const box = e.target as HTMLInputElement;
            void save({ requireApproval: box.checked }, box);
          }}
        />
        {t('settings.requireApproval')}
      </label>
      <label class="settings-check">
        <input
          type="checkbox"
          data-testid="ack-enabled"
          checked={settings.acknowledgement.enabled}
          onChange={(e) => {
            const box = e.target as HTMLInputElement;
            void save({ acknowledgement: { ...settings.acknowledgement, enabled: box.checked } }, box);
          }}
        />
        {t('settings.ack')}
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save({ acknowledgement: { ...settings.acknowledgement, texts } });
        }}
      >
        {ACK_LANGUAGES.map(({ code, label }) => (
          <label key={code} class="field">
            <span class="field-label">{t(label)}</span>
            <textarea
              dir={code === 'ar' ? 'rtl' : 'ltr'}
              lang={code}
              rows={4}
              maxLength={5000}
              data-testid={`ack-text-${code}`}
              value={texts[code] ?? ''}
              onInput={(e) => setTexts({ ...texts, [code]: (e.target as HTMLTextAreaElement).value })}
            />
          </label>
        ))}
        <p class="settings-hint">
          {t('settings.ackHint')} <code dir="ltr">{'{reference}'}</code> <code dir="ltr">{'{name}'}</code>
        </p>
        <div class="settings-actions">
          <button type="submit" class="btn btn-primary" data-testid="save-ack">
            {t('common.save')}
          </button>
          <OutcomeLine outcome={outcome} testId="office-outcome" />
        </div>
      </form>
    </section>
  );
}

/** Roles and who may approve replies; the server keeps at least one admin. */
function StaffSection() {
  const app = useApp();
  const t = useT();
  const [outcome, setOutcome] = useState<Outcome | 'saved' | undefined>(undefined);
  // The control shows the choice at once; a refusal puts back what the server keeps.
  const change = async (
    userId: number,
    patch: { role?: 'admin' | 'staff'; canApprove?: boolean },
    revert: () => void,
  ) => {
    const refused = await app.settings.patchUser(userId, patch);
    if (refused !== null) revert();
    setOutcome(refused ?? 'saved');
  };
  return (
    <section class="settings-section" aria-labelledby="settings-staff" data-testid="staff-section">
      <h3 id="settings-staff">{t('settings.staff')}</h3>
      <table class="releases-table">
        <thead>
          <tr>
            <th scope="col">{t('settings.name')}</th>
            <th scope="col">{t('settings.role')}</th>
            <th scope="col">{t('settings.canApprove')}</th>
          </tr>
        </thead>
        <tbody>
          {app.store.users.value.map((u) => (
            <tr key={u.id} data-testid="staff-row">
              <th scope="row">
                <bdi dir="auto">{u.name}</bdi>
                <span class="release-langs">
                  <bdi>{u.email}</bdi>
                </span>
              </th>
              <td>
                <select
                  aria-label={`${t('settings.role')}: ${u.name}`}
                  data-testid="staff-role"
                  value={u.role}
                  onChange={(e) => {
                    const select = e.target as HTMLSelectElement;
                    const role = select.value === 'admin' ? 'admin' : 'staff';
                    void change(u.id, { role }, () => (select.value = u.role));
                  }}
                >
                  <option value="admin">{t('settings.roleAdmin')}</option>
                  <option value="staff">{t('settings.roleStaff')}</option>
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${t('settings.canApprove')}: ${u.name}`}
                  data-testid="staff-approver"
                  checked={u.canApprove ?? false}
                  onChange={(e) => {
                    const box = e.target as HTMLInputElement;
                    void change(
                      u.id,
                      { canApprove: box.checked },
                      () => (box.checked = u.canApprove ?? false),
                    );
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <OutcomeLine outcome={outcome} testId="staff-outcome" />
    </section>
  );
}
