import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Controller } from './controller.ts';
import { translator, type Translate } from './i18n/index.ts';

export const AppContext = createContext<Controller | null>(null);

export function useApp(): Controller {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() outside <AppContext.Provider>');
  return app;
}

/** The string catalogue in the officer's language (re-renders when it changes). */
export function useT(): Translate {
  return translator(useApp().store.language.value);
}
