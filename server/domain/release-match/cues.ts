// What a journalist's own words say besides the topic. Two kinds, in the languages enquiries arrive in:
// - when the release came out: "yesterday", "last night", "last week" (أمس، امبارح، hier, gestern…).
//   Only past references: "today" and "this week" mostly belong to deadlines ("by 5pm today").
// - words of the genre: every enquiry says newspaper, journalist, comment, question, official
//   (جريدة، صحفي، تعليق، رسمي…); they say nothing about which release it is, whatever their idf.
import { normalizeForMatch, stemWord } from '../text-normalize.ts';

// prettier-ignore
const YESTERDAY = [
  'yesterday', 'last night', 'hier', 'gestern', 'ayer', 'anoche', 'ieri', 'ieri sera', 'ontem', 'gisteren', 'dün',
  'أمس', 'البارحة', 'امبارح', 'مبارح', 'إمبارح', 'ليلة أمس', 'مساء أمس', 'embare7', 'mbare7', 'imbare7', 'mbareh',
  'گزشتہ روز', 'گزشتہ رات', 'دوێنێ',
];
// prettier-ignore
const LAST_WEEK = [
  'last week', 'earlier this week', 'la semaine dernière', 'letzte woche', 'vergangene woche', 'la semana pasada',
  'la settimana scorsa', 'semana passada', 'geçen hafta', 'الأسبوع الماضي', 'الاسبوع الفائت', 'الأسبوع المنصرم',
  'الجمعة الماضية', 'پچھلے ہفتے', 'گزشتہ ہفتے',
];

// prettier-ignore
const GENRE = [
  // English
  'newspaper', 'paper', 'journalist', 'reporter', 'correspondent', 'editor', 'press', 'media', 'enquiry', 'enquiries',
  'inquiry', 'query', 'question', 'questions', 'comment', 'comments', 'response', 'respond', 'reply', 'confirm',
  'clarify', 'clarification', 'spokesperson', 'spokesman', 'spokeswoman', 'official', 'officially', 'interview',
  'article', 'story', 'piece', 'programme', 'broadcast', 'channel', 'radio', 'agency', 'writing', 'deadline',
  'thanks', 'regards', 'hello', 'grateful', 'please', 'could', 'would',
  // French, German, Spanish, Italian, Turkish
  'journal', 'journaliste', 'presse', 'commentaire', 'réaction', 'officiel', 'officielle', 'confirmer', 'porte-parole',
  'entretien', 'rédaction', 'merci', 'bonjour', 'cordialement',
  'zeitung', 'frage', 'fragen', 'kommentar', 'stellungnahme', 'bestätigen', 'sprecher', 'artikel', 'redaktion', 'danke',
  'periódico', 'periodista', 'prensa', 'pregunta', 'comentario', 'confirmar', 'portavoz', 'entrevista', 'artículo', 'gracias',
  'giornale', 'giornalista', 'stampa', 'domanda', 'commento', 'confermare', 'portavoce', 'intervista', 'articolo', 'grazie',
  'gazete', 'gazeteci', 'basın', 'soru', 'yorum', 'teyit', 'teşekkürler',
  // Arabic (standard and colloquial), Urdu
  'صحيفة', 'جريدة', 'صحفي', 'صحافي', 'الصحافة', 'مراسل', 'سؤال', 'أسئلة', 'سؤالي', 'تعليق', 'رد', 'الرد', 'تأكيد',
  'رسمي', 'رسمية', 'مسؤول', 'مسؤولين', 'المسؤولين', 'متحدث', 'المتحدث', 'مقابلة', 'مقال', 'قناة', 'تلفزيون', 'وكالة', 'إذاعة', 'نرجو', 'شكرا',
  'تحية', 'مرحبا', 'الشكر', 'موقف', 'شو', 'هل',
  'اخبار', 'صحافی', 'سوال', 'تبصرہ', 'شکریہ',
];

// Words of time, schedule and small talk that any message may use ("today", "an hour", "اليوم",
// "الساعة"), and Urdu function words the stop list lacks: sharing one of them with a release says
// nothing about which release it is.
// prettier-ignore
const EVERYDAY = [
  'today', 'tomorrow', 'tonight', 'yesterday', 'now', 'hour', 'hours', 'day', 'days', 'week', 'weeks', 'month', 'year',
  'time', 'morning', 'afternoon', 'evening', 'night', 'soon', 'later', 'latest', 'update', 'news', 'new', 'line',
  'just', 'checking', 'received', 'need', 'like', 'know', 'let', 'get', 'send', 'sent', 'ask', 'asking', 'one', 'two',
  'aujourd\'hui', 'demain', 'heure', 'heures', 'jour', 'semaine', 'heute', 'morgen', 'stunde', 'hoy', 'mañana', 'hora',
  'oggi', 'domani', 'ora', 'bugün', 'yarın', 'saat',
  'اليوم', 'غدا', 'الان', 'الآن', 'الساعة', 'ساعة', 'ساعات', 'مساء', 'صباح', 'صباحا', 'يوم', 'الاسبوع', 'اسبوع',
  'قبل', 'بعد', 'امكن', 'ممكن', 'يمكن', 'نحتاج', 'للتذكير', 'الخامسة', 'جديد', 'جديدة', 'آخر',
  'آج', 'کل', 'گھنٹے', 'کر', 'آپ', 'لیے', 'ہوں', 'ہونے', 'ہماری', 'ہمارے', 'ہم', 'تھا', 'تھی', 'گا', 'گی', 'رہے',
  'سکتے', 'جا', 'کہ', 'جو', 'ان', 'اس', 'بارے',
];

const norm = (list: string[]): string[] => list.map((p) => normalizeForMatch(p)).filter(Boolean);
const YESTERDAY_NORM = norm(YESTERDAY);
const LAST_WEEK_NORM = norm(LAST_WEEK);
const GENRE_STEMS = new Set(norm(GENRE).map((w) => stemWord(w)));

const EVERYDAY_WORDS = new Set(norm(EVERYDAY));

/** Whether a normalised word is an everyday or genre word (it alone never links a release). */
export function isEverydayWord(word: string): boolean {
  return EVERYDAY_WORDS.has(word) || GENRE_STEMS.has(stemWord(word));
}

/** Whether a stem is one of the genre's words. */
export function isGenreStem(stem: string): boolean {
  return GENRE_STEMS.has(stem);
}

/** Days before the message (negative: after it) when what the sender refers to came out, if they say. */
export interface DateCue {
  from: number;
  to: number;
  /** The sender's words that set it, normalised ("yesterday", "امس"). */
  said: string;
}

function said(normText: string, phrases: string[]): string | undefined {
  const padded = ` ${normText} `;
  return phrases.find((p) => padded.includes(` ${p} `));
}

/**
 * The window a "yesterday" or "last week" in the sender's own words implies (publication a few
 * hours after the message allowed for time zones and late postings), or null.
 */
export function dateCue(ownWords: string): DateCue | null {
  const text = normalizeForMatch(ownWords);
  const week = said(text, LAST_WEEK_NORM);
  if (week) return { from: -0.75, to: 14, said: week };
  const day = said(text, YESTERDAY_NORM);
  return day ? { from: -0.75, to: 3, said: day } : null;
}

/** How much a release published `days` before the message fits the cue (1 = fits). */
export function cueFactor(cue: DateCue | null, days: number): number {
  if (!cue || (days >= cue.from && days <= cue.to)) return 1;
  return 0.5;
}
