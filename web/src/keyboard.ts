import type { Controller } from './controller.ts';

// After `g`, this long to press the second key of a sequence (`g i`).
const SEQUENCE_MS = 1200;

/**
 * The shortcut a key press means. With an Arabic (or any non-Latin) layout active, `j` types "ت":
 * the physical key decides then, so shortcuts work whichever layout the officer is typing in.
 */
function shortcutKey(ev: KeyboardEvent): string {
  if (/^[\x20-\x7e]$/.test(ev.key) || ev.key.length > 1) return ev.key;
  const letter = /^Key([A-Z])$/.exec(ev.code)?.[1];
  if (letter) return ev.shiftKey ? letter : letter.toLowerCase();
  if (ev.code === 'Slash') return ev.shiftKey ? '?' : '/';
  return ev.key;
}

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return Boolean(target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

/**
 * The triage shortcuts: j/k move, o/Enter open, r reply, a assign to me, e close, s status,
 * / search, g i inbox, ? help, Escape back out. Ignored while typing, except Escape.
 * Returns the uninstaller.
 */
export function installKeyboard(app: Controller): () => void {
  const { store } = app;
  let pendingG = 0;

  /** The thread actions apply to: the open one, else the one under the cursor. */
  const target = (): number | null => store.detail.value?.threadId ?? store.cursorId.value;

  function move(step: number): void {
    const list = store.threads.value;
    if (list.length === 0) return;
    // With no cursor yet, the list shows the first row as the cursor: move on from there.
    const current = store.cursorId.value ?? store.selectedId.value ?? list[0]!.id;
    const index = current === null ? -1 : list.findIndex((t) => t.id === current);
    const next = index === -1 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
    const id = list[next]!.id;
    store.cursorId.value = id;
    // With a thread open, moving reads the next one, as in a mail client's reading pane.
    if (store.detail.value) void app.openThread(id);
  }

  function onKey(ev: KeyboardEvent): void {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === 'Escape') {
      if (store.helpOpen.value) store.helpOpen.value = false;
      else if (typingIn(ev.target) && ev.target instanceof HTMLElement) ev.target.blur();
      else if (store.detail.value) {
        const id = store.detail.value.threadId;
        app.closeThread();
        store.cursorId.value = id;
      } else return;
      ev.preventDefault();
      return;
    }
    if (typingIn(ev.target)) return;
    const now = Date.now();
    const key = shortcutKey(ev);
    if (pendingG && now - pendingG < SEQUENCE_MS) {
      pendingG = 0;
      if (key === 'i') {
        ev.preventDefault();
        app.closeThread();
        app.setFilter({ view: 'all' });
        app.go('inbox');
      }
      return;
    }
    switch (key) {
      case 'j':
        move(1);
        break;
      case 'k':
        move(-1);
        break;
      case 'o':
      case 'Enter': {
        // Enter on a focused button already clicks it; only act when focus is elsewhere.
        if (ev.key === 'Enter' && ev.target instanceof HTMLElement && ev.target.closest('button, a')) return;
        const id = store.cursorId.value ?? store.threads.value[0]?.id;
        if (id === undefined || id === null) return;
        void app.openThread(id);
        break;
      }
      case 'r': {
        const composer = document.querySelector<HTMLElement>(
          '[data-testid="composer-text"], [data-composer] textarea, .composer textarea',
        );
        if (!composer) return;
        composer.focus();
        break;
      }
      case 'a': {
        const id = target();
        if (id === null) return;
        void app.claim(id);
        break;
      }
      case 'e': {
        const id = target();
        if (id === null) return;
        void app.patchThread(id, { status: 'closed' });
        break;
      }
      case 's':
        if (!store.detail.value) {
          const id = target();
          if (id === null) return;
          void app.openThread(id);
        }
        store.statusMenuRequest.value++;
        break;
      case '/':
        document.querySelector<HTMLInputElement>('[data-testid="search-input"]')?.focus();
        break;
      case 'g':
        pendingG = now;
        break;
      case '?':
        store.helpOpen.value = !store.helpOpen.value;
        break;
      default:
        return;
    }
    ev.preventDefault();
  }

  // A reply being written counts as "composing" for colleagues' presence, until it goes quiet.
  let quiet: ReturnType<typeof setTimeout> | undefined;
  function onInput(ev: Event): void {
    if (!(ev.target instanceof HTMLElement) || !ev.target.closest('[data-composer], .composer')) return;
    if (!store.composing.value) app.setComposing(true);
    clearTimeout(quiet);
    quiet = setTimeout(() => app.setComposing(false), 15_000);
  }

  // Leaving an empty reply box means nobody is writing any more.
  function onFocusOut(ev: FocusEvent): void {
    const el = ev.target;
    if (!(el instanceof HTMLTextAreaElement) || !el.closest('[data-composer], .composer')) return;
    if (el.value.trim() === '' && store.composing.value) {
      clearTimeout(quiet);
      app.setComposing(false);
    }
  }

  document.addEventListener('keydown', onKey);
  document.addEventListener('input', onInput);
  document.addEventListener('focusout', onFocusOut);
  return () => {
    clearTimeout(quiet);
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('input', onInput);
    document.removeEventListener('focusout', onFocusOut);
  };
}
