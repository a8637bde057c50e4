/** One release as imported or created: the release JSON format of ARCHITECTURE.md. */
export interface ReleaseInput {
  url: string;
  title: string;
  language: string;
  published_at: string;
  body: string;
  /** The url of the release this one translates. */
  translation_of?: string | null;
}

export class ReleaseInputError extends Error {
  override name = 'ReleaseInputError';
}

/** A date without a zone is taken as UTC, so an import means the same on every server. */
function parseDateAsUtc(value: string): Date | null {
  let candidate = value;
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(value)) candidate = `${value}Z`;
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(value) && !/(Z|[+-]\d{2}:?\d{2}|\b(GMT|UTC|UT)\b)\s*$/i.test(value))
    candidate = `${value} UTC`;
  const time = Date.parse(candidate);
  return Number.isNaN(time) ? null : new Date(time);
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Checks one release and normalises its fields; throws ReleaseInputError with the reason. */
export function validateReleaseInput(value: unknown, where: string): ReleaseInput {
  if (!value || typeof value !== 'object') throw new ReleaseInputError(`${where}: not an object`);
  const v = value as Record<string, unknown>;
  const text = (key: string, required = true): string | null => {
    const field = v[key];
    if (field === undefined || field === null) {
      if (required) throw new ReleaseInputError(`${where}: "${key}" is missing`);
      return null;
    }
    if (typeof field !== 'string') throw new ReleaseInputError(`${where}: "${key}" must be a string`);
    return field;
  };
  const url = text('url')!.trim();
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new ReleaseInputError(`${where}: "url" is not an http(s) URL: ${url}`);
  }
  const title = text('title')!.trim();
  if (!title) throw new ReleaseInputError(`${where}: "title" is empty`);
  const language = text('language')!.trim().toLowerCase();
  if (!LANGUAGE.test(language))
    throw new ReleaseInputError(`${where}: "language" is not a language code: ${language}`);
  const publishedAt = parseDateAsUtc(text('published_at')!.trim());
  if (publishedAt === null)
    throw new ReleaseInputError(`${where}: "published_at" is not a date: ${String(v.published_at)}`);
  // Line ends normalised; everything else (Arabic included) is kept byte for byte.
  const body = (text('body', false) ?? '').replace(/\r\n?/g, '\n');
  const translationOf = text('translation_of', false)?.trim() || null;
  if (translationOf !== null && translationOf === url)
    throw new ReleaseInputError(`${where}: "translation_of" names the release itself`);
  return {
    url,
    title,
    language,
    published_at: publishedAt.toISOString(),
    body,
    translation_of: translationOf,
  };
}
