const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  let f = relativeFormats.get(locale);
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    relativeFormats.set(locale, f);
  }
  return f;
}
// The user's own locale for absolute dates: a press officer reads dates the way they are used to.
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const shortDateYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function parseTime(iso: string): number | null {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "just now", "12 min. ago", "3 hr. ago", "yesterday", then a plain date: recent is what matters in a newsroom. */
export function relativeTime(iso: string, now: number, locale = 'en'): string {
  const relative = relativeFormat(locale);
  const t = parseTime(iso);
  if (t === null) return locale === 'en' ? 'unknown time' : '—';
  const diff = t - now;
  const abs = Math.abs(diff);
  if (abs < MINUTE) return locale === 'en' ? 'just now' : relative.format(0, 'minute');
  if (abs < HOUR) return relative.format(Math.round(diff / MINUTE), 'minute');
  if (abs < DAY) return relative.format(Math.round(diff / HOUR), 'hour');
  if (abs < 7 * DAY) return relative.format(Math.round(diff / DAY), 'day');
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return (sameYear ? shortDate : shortDateYear).format(t);
}

export function absoluteTime(iso: string): string {
  const t = parseTime(iso);
  return t === null ? iso : absolute.format(t);
}

export function clockTime(iso: string): string {
  const t = parseTime(iso);
  return t === null ? iso : timeOnly.format(t);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Only http(s) links are rendered as links; anything else (javascript:, data:) stays text. */
export function safeHttpUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
