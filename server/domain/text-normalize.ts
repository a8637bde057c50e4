// Text normalisation for release matching and search. Pure functions: the same folding is applied to
// the catalogue at index time and to enquiries at query time, so any imperfection cancels out.

// Harakat, Quranic marks, superscript alef, and the hamza/madda marks NFKD splits off أ إ آ ؤ ئ.
const ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/g;
const LATIN_MARKS = /[\u0300-\u036f]/g;
const TATWEEL = /\u0640/g;

// Letter variants that spelling, keyboards and Persian/Urdu script use for the same Arabic letter.
const ARABIC_LETTERS: Record<string, string> = {
  '\u0671': '\u0627', // ٱ alef wasla
  '\u0672': '\u0627',
  '\u0673': '\u0627',
  '\u0675': '\u0627',
  '\u0649': '\u064a', // ى alef maqsura → ي
  '\u06cc': '\u064a', // ی Persian/Urdu ye
  '\u06d2': '\u064a', // ے Urdu barree ye
  '\u0629': '\u0647', // ة ta marbuta → ه
  '\u06c1': '\u0647', // ہ Urdu heh goal
  '\u06c3': '\u0647',
  '\u06d5': '\u0647',
  '\u06be': '\u0647', // ھ
  '\u06a9': '\u0643', // ک keheh → ك
  '\u06af': '\u0643', // گ gaf (no Arabic equivalent; folded with kaf as transliterations do)
  '\u0621': '', // ء a bare hamza carries no letter identity in loose spelling
};

/** Folds case, accents, Arabic letter variants, diacritics, tatweel and all digit systems; keeps punctuation. */
export function foldText(text: string): string {
  let out = text
    .normalize('NFKD')
    .replace(LATIN_MARKS, '')
    .replace(ARABIC_MARKS, '')
    .replace(TATWEEL, '')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066b/g, '.') // Arabic decimal separator
    .replace(/\u066c/g, ','); // Arabic thousands separator
  out = out.replace(
    /[\u0621\u0649\u0629\u0671-\u0675\u06a9\u06af\u06be\u06c1\u06c3\u06cc\u06d2\u06d5]/g,
    (c) => ARABIC_LETTERS[c] ?? c,
  );
  // Upper-then-lower approximates full case folding (ß → ss); NFC recomposes what NFKD left.
  return out.toUpperCase().toLowerCase().replace(/ı/g, 'i').normalize('NFC');
}

/** Full normalisation for matching: folded text with punctuation (Latin and Arabic) turned into single spaces. */
export function normalizeForMatch(text: string): string {
  return stripPunctuation(foldText(text));
}

/** normalizeForMatch for text already passed through foldText (saves folding twice). */
export function stripPunctuation(folded: string): string {
  return folded.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Tokens

// Function words only: content words, even very common ones, are left to BM25's idf.
// prettier-ignore
const STOP_RAW = [
  // English
  'a','an','the','and','or','but','if','of','to','in','on','at','by','for','with','from','as','is','are','was','were','be','been','being',
  'it','its','this','that','these','those','there','here','we','you','he','she','they','i','me','my','our','your','his','her','their','them','us',
  'do','does','did','have','has','had','will','would','can','could','should','may','might','must','not','no','yes','so','than','then','also',
  'any','all','some','what','which','who','whom','whose','when','where','why','how','about','into','over','after','before','just','only',
  'hi','hello','dear','thanks','thank','regards','best','please','many','kind','re','fw','fwd','am','pm','up','out','more','most','very',
  // French
  'le','la','les','un','une','des','du','de','d','l','et','ou','en','au','aux','ce','ces','cet','cette','qui','que','qu','quoi','dont','est',
  'sont','il','elle','ils','elles','je','j','nous','vous','on','se','s','sa','son','ses','leur','leurs','pour','par','sur','dans','avec','sans',
  'pas','ne','n','plus','mais','si','y','a','été','être','avez','avons','ont','merci','bonjour','cordialement','madame','monsieur',
  // German, Spanish, Italian (small sets: these enquiries are few and short)
  'der','die','das','den','dem','ein','eine','einer','und','oder','ist','sind','zu','zum','zur','mit','von','im','auf','für','nicht','ich','wir','sie',
  'el','los','las','y','o','es','del','con','por','para','que','se','lo','una','il','di','della','delle','dei','e','che','per','con','gli','al','alla',
  // Arabic (written already folded: ا not أ, ه not ة, ي not ى)
  'في','من','الي','علي','عن','مع','ان','او','ثم','هذا','هذه','ذلك','تلك','التي','الذي','الذين','اللي','هل','ما','ماذا','لا','لم','لن','قد','كان',
  'كانت','يكون','تم','كل','بعد','قبل','عند','حول','بين','هو','هي','هم','نحن','انا','انت','انتم','او','اي','ايضا','لكن','بل','حتي','اذا','لو',
  'و','ف','ب','ل','ك','يا','كما','مثل','عبر','غير','منذ','خلال','لدي','لدى','فيه','فيها','عليه','عليها','منه','منها','به','بها','له','لها','لنا','لكم',
  'شكرا','مع','تحيه','السلام','عليكم','مرحبا','بخصوص','حضرات','السيد','السيده','الساده',
  // Urdu (the commonest particles)
  'کے','کی','کا','میں','سے','کو','اور','ہے','ہیں','یہ','وہ','پر','بھی','کیا','نے',
];
const STOP_WORDS = new Set(STOP_RAW.map((w) => normalizeForMatch(w)));

/** Whether a normalised word is a function word in one of the supported languages. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

const ARABIC_LETTER = /[\u0621-\u064a]/;
const ARTICLES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
const AR_SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي'];

/**
 * Light Arabic stemming in the spirit of Larkey's light10: a leading و, then one article combination,
 * then one common suffix, each only when a stem of at least three letters remains. Conservative on
 * purpose: single-letter ب/ل/ك prepositions on a bare noun are left alone (too many roots start so).
 */
export function stemArabic(word: string): string {
  let w = word;
  if (w.length >= 4 && w.startsWith('و')) w = w.slice(1);
  for (const a of ARTICLES) {
    if (w.startsWith(a) && w.length - a.length >= 2) {
      w = w.slice(a.length);
      break;
    }
  }
  for (const s of AR_SUFFIXES) {
    if (w.endsWith(s) && w.length - s.length >= 3) {
      w = w.slice(0, -s.length);
      break;
    }
  }
  return w;
}

/** Light Latin stemming: plural and possessive endings only, shared by English, French and Spanish. */
export function stemLatin(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Stems one normalised word by its script. */
export function stemWord(word: string): string {
  return ARABIC_LETTER.test(word) ? stemArabic(word) : stemLatin(word);
}

/** Normalised surface words of a text, in order, stop words kept (for phrase and quote matching). */
export function words(text: string): string[] {
  const norm = normalizeForMatch(text);
  return norm === '' ? [] : norm.split(' ');
}

/** Index terms of a text: normalised, stop words dropped, lightly stemmed; single letters dropped. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (w.length < 2 && !/\d/.test(w)) continue;
    if (STOP_WORDS.has(w)) continue;
    const s = stemWord(w);
    if (s.length < 2 && !/\d/.test(s)) continue;
    out.push(s);
  }
  return out;
}

/** Whether the text is mostly Arabic-script letters (Arabic, Urdu, Persian). */
export function isArabicScript(text: string): boolean {
  let ar = 0;
  let lat = 0;
  for (const ch of text) {
    if (/[\u0600-\u06ff]/.test(ch)) ar++;
    else if (/[a-zA-Z\u00c0-\u024f]/.test(ch)) lat++;
  }
  return ar > lat;
}

// ---------------------------------------------------------------------------------------------
// Figures and dates

export interface Figure {
  /** `n:<value>` for amounts and counts, `d:MM-DD` for a day of a month, `y:YYYY` for a year. */
  key: string;
  /** The text it was read from. */
  raw: string;
}

// Month names by number, in the languages the newsdesk receives (Arabic in both the Levantine/Iraqi
// and the Egyptian/Gulf series), written loosely; they are folded before use.
// prettier-ignore
const MONTH_NAMES: string[][] = [
  ['january','jan','janvier','janv','januar','enero','gennaio','ocak','يناير','كانون الثاني','جنوري'],
  ['february','feb','fevrier','fevr','februar','febrero','febbraio','subat','فبراير','شباط','فروری'],
  ['march','mar','mars','marz','marzo','mart','مارس','اذار','مارچ'],
  ['april','apr','avril','abril','aprile','nisan','ابريل','نيسان','اپریل'],
  ['may','mai','mayo','maggio','mayis','مايو','ايار','مئی'],
  ['june','jun','juin','juni','junio','giugno','haziran','يونيو','حزيران','جون'],
  ['july','jul','juillet','juli','julio','luglio','temmuz','يوليو','تموز','جولائی'],
  ['august','aug','aout','agosto','agustos','اغسطس','آب','اگست'],
  ['september','sep','sept','septembre','septiembre','settembre','eylul','سبتمبر','ايلول','ستمبر'],
  ['october','oct','octobre','oktober','octubre','ottobre','ekim','اكتوبر','تشرين الاول','اکتوبر'],
  ['november','nov','novembre','noviembre','kasim','نوفمبر','تشرين الثاني','نومبر'],
  ['december','dec','decembre','dezember','diciembre','dicembre','aralik','ديسمبر','كانون الاول','دسمبر'],
];
const MONTH_LOOKUP = new Map<string, number>();
MONTH_NAMES.forEach((names, i) => {
  for (const n of names) MONTH_LOOKUP.set(normalizeForMatch(n), i + 1);
});
const MONTH_ALT = [...MONTH_LOOKUP.keys()].sort((a, b) => b.length - a.length).join('|');

// Scale words after a number: English, French, German, Spanish, Italian, Arabic (folded), Urdu.
const SCALES: [RegExp, number][] = [
  [
    /^(bn|billion|billions|milliard|milliards|mrd|milliarde|milliarden|mil millones|miliardi|miliardo|مليار|مليارات|ارب)$/,
    1e9,
  ],
  [/^(m|mn|million|millions|mio|millionen|millon|millones|milione|milioni|مليون|ملايين|ملیین)$/, 1e6],
  [/^(k|thousand|mille|tausend|mil|الف|الاف|ہزار)$/, 1e3],
];
const SCALE_ALT =
  'bn|billions?|milliards?|mrd|milliarden?|mil millones|miliard[io]|m|mn|millions?|mio|millionen|millon|millones|milion[ei]|k|thousand|mille|tausend|mil|مليار|مليارات|ارب|مليون|ملايين|الف|الاف|ہزار';

const NUMBER_RE = new RegExp(
  // A phone-like run of digit groups is skipped by the caller; here: currency, number, optional scale.
  `(?<![\\p{L}\\p{N}.,+/])([£$€]|gbp|usd|eur|us\\$)?\\s?(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d+))?(?:\\s?(${SCALE_ALT})(?![\\p{L}]))?`,
  'gu',
);
const DAY_MONTH_RE = new RegExp(
  `(?<![\\p{N}])(\\d{1,2})(?:st|nd|rd|th|er|e)?(?:\\s*[-–]\\s*\\d{1,2})?\\.?\\s+(?:de\\s+|di\\s+)?(${MONTH_ALT})(?![\\p{L}])`,
  'gu',
);
const MONTH_DAY_RE = new RegExp(
  `(?<![\\p{L}])(${MONTH_ALT})\\s+(\\d{1,2})(?:st|nd|rd|th)?(?![\\p{N}])`,
  'gu',
);
const NUMERIC_DATE_RE = /(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\d/.])/g;
const ISO_DATE_RE = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g;

const pad = (n: number): string => String(n).padStart(2, '0');

function scaleOf(word: string | undefined): number {
  if (!word) return 1;
  for (const [re, v] of SCALES) if (re.test(word)) return v;
  return 1;
}

/** Canonical figure keys (amounts, counts, dates, years) in any script: "£5.5m" and "5.5 مليون" give one key. */
export function extractFigures(text: string, alreadyFolded = false): Figure[] {
  // Dates and amounts are read from folded text that keeps punctuation; whitespace is collapsed so a
  // figure broken across lines still reads as one.
  const t = (alreadyFolded ? text : foldText(text)).replace(/\s+/g, ' ');
  if (!/\d/.test(t)) return [];
  const out: Figure[] = [];
  const seen = new Set<string>();
  const push = (key: string, raw: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ key, raw: raw.trim() });
  };
  const dateSpans: [number, number][] = [];
  const addDate = (day: number, month: number, raw: string, at: number): void => {
    if (day < 1 || day > 31 || month < 1 || month > 12) return;
    push(`d:${pad(month)}-${pad(day)}`, raw);
    dateSpans.push([at, at + raw.length]);
  };
  for (const m of t.matchAll(DAY_MONTH_RE))
    addDate(Number(m[1]), MONTH_LOOKUP.get(m[2]!) ?? 0, m[0], m.index);
  for (const m of t.matchAll(MONTH_DAY_RE))
    addDate(Number(m[2]), MONTH_LOOKUP.get(m[1]!) ?? 0, m[0], m.index);
  for (const m of t.matchAll(NUMERIC_DATE_RE)) {
    let day = Number(m[1]);
    let month = Number(m[2]);
    if (month > 12 && day <= 12) [day, month] = [month, day]; // US order, recognisable only when unambiguous
    const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    addDate(day, month, m[0], m.index);
    push(`y:${year}`, m[0]);
  }
  for (const m of t.matchAll(ISO_DATE_RE)) {
    addDate(Number(m[3]), Number(m[2]), m[0], m.index);
    push(`y:${m[1]}`, m[0]);
  }
  const inDate = (i: number): boolean => dateSpans.some(([a, b]) => i >= a && i < b);
  for (const m of t.matchAll(NUMBER_RE)) {
    if (inDate(m.index)) continue;
    const [raw, currency, intPart, frac, scaleWord] = m;
    // Phone numbers, postcodes and references: runs of digit groups separated by single spaces.
    const after = t.slice(m.index + raw.length, m.index + raw.length + 3);
    const before = t.slice(Math.max(0, m.index - 2), m.index);
    if (!currency && !scaleWord && (/^ \d/.test(after) || /\d $/.test(before))) continue;
    const int = Number(intPart!.replace(/,/g, ''));
    if (!currency && !scaleWord && !frac && intPart!.length >= 5 && !intPart!.includes(',')) {
      // Unpunctuated long numbers are mostly phone numbers or ids, except a plain round count.
      if (!/000$/.test(intPart!)) continue;
    }
    const value = (int + (frac ? Number(`0.${frac}`) : 0)) * scaleOf(scaleWord);
    if (!currency && !scaleWord && !frac && int >= 1900 && int <= 2099) {
      push(`y:${int}`, raw);
      continue;
    }
    // Small bare numbers (list items, "2 questions") carry no identity.
    if (!currency && !scaleWord && value < 100) continue;
    push(`n:${Number(value.toPrecision(6))}`, raw);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// URLs

export interface ExtractedUrl {
  /** host + path (+ sorted non-tracking query), lowercase host, no scheme, no www., no trailing slash. */
  canonical: string;
  /** The canonical form without a translation suffix such as `.ar`. */
  base: string;
  /** The translation suffix's language code (`ar`, `ur` …), or null for an original. */
  lang: string | null;
  /** Character offset of the URL in the input text. */
  index: number;
}

const TRACKING_PARAM =
  /^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|ref|ref_src|cmpid|cmp|src|s|share|at_[a-z]+|hsctatracking|mkt_tok|spm|si)$/i;
// Page-language suffixes GOV.UK-style sites append to a slug (`.ar`, `.ur`, `.fr`, `.zh-tw` …).
const TRANSLATION_SUFFIX = /\.([a-z]{2}(?:-[a-z]{2,4})?)$/;
const FILE_EXTENSIONS = new Set(['js', 'gz', 'md', 'py', 'rb', 'ps', 'ai', 'db']);

/** The canonical form of a URL (see ExtractedUrl.canonical), or null when it is not a web address. */
export function canonicalizeUrl(raw: string): string | null {
  let s = raw.trim().replace(/^<|>$/g, '').replace(/\s+/g, '');
  s = s.replace(/^(?:https?:)?\/\//i, '');
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, (m) => (/^https?:\/\//i.test(m) ? '' : m));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return null;
  const cut = s.search(/[/?#]/);
  const hostPart = (cut < 0 ? s : s.slice(0, cut)).toLowerCase().replace(/:(80|443)$/, '');
  let rest = cut < 0 ? '' : s.slice(cut);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(hostPart)) return null;
  const host = hostPart.replace(/^(www\d?|m|mobile)\./, '');
  rest = rest.replace(/#.*$/, '');
  const q = rest.indexOf('?');
  let path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  try {
    path = decodeURI(path);
  } catch {
    // A malformed escape: keep the path as written.
  }
  path = path.toLowerCase().replace(/\/+/g, '/').replace(/\/$/, '');
  const params = query
    .split('&')
    .filter((p) => p !== '' && !TRACKING_PARAM.test(p.split('=')[0] ?? ''))
    .sort();
  return host + path + (params.length ? `?${params.join('&')}` : '');
}

/** Splits a canonical URL into its original and the translation language its suffix names, if any. */
export function splitTranslationSuffix(canonical: string): { base: string; lang: string | null } {
  const q = canonical.indexOf('?');
  const path = q < 0 ? canonical : canonical.slice(0, q);
  const m = TRANSLATION_SUFFIX.exec(path);
  if (!m || !path.includes('/') || FILE_EXTENSIONS.has(m[1]!)) return { base: canonical, lang: null };
  // The suffix must follow a slug segment, not be the host's TLD.
  const lastSeg = path.slice(path.lastIndexOf('/') + 1);
  if (lastSeg === '' || lastSeg.length <= m[0].length) return { base: canonical, lang: null };
  return { base: path.slice(0, -m[0].length) + (q < 0 ? '' : canonical.slice(q)), lang: m[1]! };
}

const URL_CHARS = '[^\\s<>"\'«»()\\[\\]{}|\\\\^`]';
const URL_RE = new RegExp(
  `(?:https?://|www\\.|(?<![@\\p{L}\\p{N}.-])(?:[a-z0-9-]+\\.)+(?:com|org|net|gov|uk|int|eu|info|io|fr|de|ae|qa|kw|sa|jo|lb|tv|news)(?=/))${URL_CHARS}+`,
  'giu',
);

/**
 * Re-joins URLs that mail clients broke: quoted-printable soft breaks (`=` at a line end), anything
 * inside <…> split over lines, and a URL cut at a line end whose next line continues the path.
 */
export function rejoinBrokenUrls(text: string): string {
  let t = text.replace(/=\r?\n/g, '');
  t = t.replace(
    /<((?:https?:\/\/|www\.)[^<>]*?)>/gi,
    (_m, inner: string) => `<${inner.replace(/\s+/g, '')}>`,
  );
  // A line ending inside a URL (on a path separator or hyphen) followed by a line of path characters.
  t = t.replace(
    /((?:https?:\/\/|www\.)[^\s<>"]*[-/_.=&?])[ \t]*\r?\n[ \t>]*([a-z0-9][a-z0-9\-._~/?=&%#]*)(?=\s|$|[)>.,;])/gi,
    (_m, a: string, b: string) => a + b,
  );
  return t;
}

/** Every web address in a text, canonicalised, in order of appearance, duplicates kept once. */
export function extractUrls(text: string): ExtractedUrl[] {
  const t = rejoinBrokenUrls(text);
  const out: ExtractedUrl[] = [];
  const seen = new Set<string>();
  for (const m of t.matchAll(URL_RE)) {
    const raw = m[0].replace(/[.,;:!?'"»)\]}>]+$/, '');
    const canonical = canonicalizeUrl(raw);
    if (!canonical || seen.has(canonical)) continue;
    seen.add(canonical);
    out.push({ canonical, ...splitTranslationSuffix(canonical), index: m.index });
  }
  return out;
}
