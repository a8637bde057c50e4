// A message's language, guessed from its text: enough to filter the inbox and count a release's
// enquiries by language. Script first (Arabic letters), then the function words that give a Latin
// language away. Null when the text is too short or unclear to say.

const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]/gu;
const LATIN = /[A-Za-z\u00c0-\u024f]/gu;

// prettier-ignore
const FUNCTION_WORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'is', 'are', 'for', 'you', 'could', 'would', 'with', 'this', 'that', 'on', 'please', 'what', 'about', 'your', 'we', 'will'],
  fr: ['le', 'la', 'les', 'des', 'est', 'et', 'pour', 'vous', 'une', 'du', 'que', 'sur', 'dans', 'pas', 'nous', 'avec', 'au', 'merci', 'bonjour'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'sie', 'ich', 'wir', 'mit', 'zu', 'den', 'ein', 'eine', 'auf', 'für', 'bitte', 'von'],
  es: ['el', 'los', 'las', 'y', 'es', 'por', 'para', 'con', 'una', 'del', 'que', 'su', 'se', 'como', 'gracias', 'sobre'],
  it: ['il', 'gli', 'della', 'che', 'è', 'per', 'con', 'una', 'sono', 'non', 'del', 'grazie', 'come', 'alla'],
};
const WORD_SETS = Object.entries(FUNCTION_WORDS).map(([lang, words]) => [lang, new Set(words)] as const);

/** ISO 639-1 code of the text's language ('ar', 'en', 'fr', 'de', 'es', 'it') or null. */
export function detectLanguage(text: string): string | null {
  const sample = text.slice(0, 4_000);
  const arabic = sample.match(ARABIC)?.length ?? 0;
  const latin = sample.match(LATIN)?.length ?? 0;
  if (arabic + latin < 8) return null;
  // Journalists quote English names and links in Arabic mail: a clear share of Arabic letters decides.
  if (arabic >= latin * 0.5) return 'ar';
  const words = sample.toLowerCase().split(/[^\p{L}]+/u);
  let best: string | null = null;
  let bestScore = 0;
  for (const [lang, set] of WORD_SETS) {
    let score = 0;
    for (const w of words) if (set.has(w)) score++;
    if (score > bestScore) {
      best = lang;
      bestScore = score;
    }
  }
  return bestScore >= 2 ? best : null;
}
