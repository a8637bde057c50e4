import type { Translate } from './index.ts';

// Why a thread is linked to its release, as the server words it (server/commands/releases.ts for
// staff links, server/domain/release-match/decide.ts for the matcher), said in the officer's
// language. Anything not recognised is shown as the server wrote it.

function when(t: Translate, text: string): string | null {
  const said = /^(.*), as "(.*)" says$/.exec(text);
  const core = said ? said[1]! : text;
  const m = /^(\d+) (h|days) (before|after) publication$/.exec(core);
  if (!m) return null;
  const n = m[1]!;
  const phrase =
    m[3] === 'before'
      ? t('match.hoursBefore', { n })
      : m[2] === 'h'
        ? t('match.hoursAfter', { n })
        : t('match.daysAfter', { n });
  return said ? t('match.as', { when: phrase, said: said[2]! }) : phrase;
}

function evidence(t: Translate, text: string): string | null {
  const fixed: Record<string, string> = {
    'links to the release': t('match.link'),
    'quoted text links to the release': t('match.quotedLink'),
    'quoted text gives the title': t('match.quotedTitle'),
    'quotes the title': t('match.title'),
    'quotes most of the title': t('match.mostTitle'),
    'similar text': t('match.similar'),
  };
  if (fixed[text] !== undefined) return fixed[text];
  let m = /^quotes the release: "(.*)…"$/s.exec(text);
  if (m) return t('match.quote', { text: m[1]! });
  m = /^forwards or quotes the release: "(.*)…"$/s.exec(text);
  if (m) return t('match.forwardQuote', { text: m[1]! });
  m = /^similar text: (.*)$/s.exec(text);
  if (m) return t('match.similarWords', { words: m[1]! });
  return null;
}

export function matchReasonText(t: Translate, reason: string): string {
  let m = /^linked by (.+)$/s.exec(reason);
  if (m) return t('match.linkedBy', { name: m[1]! });
  m = /^unlinked by (.+)$/s.exec(reason);
  if (m) return t('match.unlinkedBy', { name: m[1]! });
  // "similar text: …; 14 h after publication, as "yesterday" says"
  const split = reason.lastIndexOf('; ');
  if (split > 0) {
    const first = evidence(t, reason.slice(0, split));
    const second = when(t, reason.slice(split + 2));
    if (first !== null && second !== null) return t('match.both', { first, second });
  }
  const direct = evidence(t, reason);
  if (direct !== null) return direct;
  return reason;
}
