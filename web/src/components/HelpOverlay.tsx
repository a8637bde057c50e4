import { useEffect, useRef } from 'preact/hooks';
import { useApp, useT } from '../context.ts';
import type { MessageKey } from '../i18n/index.ts';

const SHORTCUTS: [string[], MessageKey][] = [
  [['j', 'k'], 'help.jk'],
  [['o', 'Enter'], 'help.open'],
  [['r'], 'help.reply'],
  [['a'], 'help.assign'],
  [['e'], 'help.close'],
  [['s'], 'help.status'],
  [['/'], 'help.search'],
  [['g', 'i'], 'help.inbox'],
  [['?'], 'help.help'],
  [['Esc'], 'help.escape'],
];

export function HelpOverlay() {
  const { store } = useApp();
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="dialog help"
      data-testid="help-overlay"
      aria-labelledby="help-title"
      onClose={() => (store.helpOpen.value = false)}
    >
      <h2 id="help-title">{t('help.title')}</h2>
      <dl class="shortcuts">
        {SHORTCUTS.map(([keys, label]) => (
          <div key={label} class="shortcut">
            <dt>
              {keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' '}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" class="btn" autoFocus onClick={() => dialog.current?.close()}>
        {t('common.close')}
      </button>
    </dialog>
  );
}
