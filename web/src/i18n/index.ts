import type { UiLanguage } from '../types.ts';
import { ar } from './ar.ts';
import { en, type MessageKey } from './en.ts';

export type { MessageKey } from './en.ts';

const CATALOGUES: Record<UiLanguage, Record<MessageKey, string>> = { en, ar };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const cache = new Map<UiLanguage, Translate>();

/** The lookup for one language; unknown `{names}` stay visible so a missing value is noticed. */
export function translator(language: UiLanguage): Translate {
  const known = cache.get(language);
  if (known) return known;
  const catalogue = CATALOGUES[language] ?? en;
  const t: Translate = (key, values) => {
    const text = catalogue[key] ?? en[key] ?? key;
    return values ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(values[name] ?? m)) : text;
  };
  cache.set(language, t);
  return t;
}

/** The page follows the officer's language: Arabic lays the whole interface out right to left. */
export function applyDocumentLanguage(language: UiLanguage): void {
  document.documentElement.lang = language;
  document.documentElement.dir = language === 'ar' ? 'rtl' : 'ltr';
}
