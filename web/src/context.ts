import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Controller } from './controller.ts';

export const AppContext = createContext<Controller | null>(null);

export function useApp(): Controller {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() outside <AppContext.Provider>');
  return app;
}
