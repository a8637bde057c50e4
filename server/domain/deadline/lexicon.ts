// The pieces a deadline is written with, in English, French, German and Arabic: clock times, days,
// parts of the day, relative spans, "end of day", time zones. Each piece is a sticky regex over the
// folded text (see text.ts) plus what it contributes; index.ts strings pieces together.
import type { Zone } from './zone.ts';

export type Period = 'morning' | 'noon' | 'afternoon' | 'evening' | 'night';

/** What one time expression says; each slot is filled at most once. */
export interface Parsed {
  start: number;
  end: number;
  clock?: { hour: number; minute: number; meridiem?: 'am' | 'pm'; ambiguous: boolean; approximate?: boolean };
  day?:
    | { kind: 'today' | 'tomorrow' | 'afterTomorrow' }
    | { kind: 'weekday'; weekday: number; next: boolean }
    | { kind: 'date'; month: number; day: number };
  period?: Period;
  /** Business close ("end of day", "COB", "fin de journée"); week = the working week's last day. */
  close?: 'day' | 'week';
  /** A span from the message time ("within the hour"); `self` when the wording alone makes it a deadline. */
  relative?: { minutes: number; self: boolean };
  zone?: Zone;
}

export type Slot = 'clock' | 'day' | 'period' | 'close' | 'relative' | 'zone';

export interface Piece {
  slot: Slot;
  re: RegExp;
  /** Fills the slot from the match; returns false to reject it (an impossible time, say). */
  apply: (m: RegExpExecArray, p: Parsed) => boolean;
}

const END = '(?![\\p{L}\\p{N}])';
const sticky = (source: string): RegExp => new RegExp(source + END, 'uy');
const alt = (words: readonly string[]): string => words.map((w) => w.replace(/ /g, '\\s+')).join('|');

// prettier-ignore
const NUMBERS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, 'a couple of': 2, 'couple of': 2, 'a few': 3,
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9, dix: 10, onze: 11, douze: 12,
  ein: 1, eine: 1, einer: 1, zwei: 2, drei: 3, vier: 4, 'fünf': 5, sechs: 6, sieben: 7, acht: 8, neun: 9, zehn: 10,
  elf: 11, 'zwölf': 12,
  'ثلاث': 3, 'ثلاثة': 3, 'اربع': 4, 'اربعة': 4, 'خمس': 5, 'خمسة': 5, 'ست': 6, 'ستة': 6, 'سبع': 7, 'ثماني': 8,
  'تسع': 9, 'عشر': 10,
};
const NUMBER = `(?:${alt(Object.keys(NUMBERS).sort((a, b) => b.length - a.length))}|\\d{1,3})`;
const numberValue = (word: string): number => NUMBERS[word.replace(/\s+/g, ' ')] ?? Number(word);

// Arabic hour ordinals ("الساعة الخامسة" = five o'clock), folded (plain alef, ta marbuta kept).
// prettier-ignore
const AR_HOURS: Record<string, number> = {
  'الواحدة': 1, 'الثانية عشرة': 12, 'الثانية عشر': 12, 'الحادية عشرة': 11, 'الحادية عشر': 11, 'الثانية': 2,
  'الثالثة': 3, 'الرابعة': 4, 'الخامسة': 5, 'السادسة': 6, 'السابعة': 7, 'الثامنة': 8, 'التاسعة': 9, 'العاشرة': 10,
};
const AR_HOUR = alt(Object.keys(AR_HOURS).sort((a, b) => b.length - a.length));
const AR_PM = ['مساء', 'مساءا', 'م', 'ظهرا', 'عصرا', 'العصر', 'ليلا', 'الليل', 'بعد الظهر'];
const AR_AM = ['صباحا', 'صباح', 'ص', 'فجرا'];

// prettier-ignore
const WEEKDAYS: Record<string, number> = {
  // No "mon", "sat", "sun", "wed": French "mon" (my) and English "sat", "sun", "wed" are ordinary words.
  sunday: 0, monday: 1, tuesday: 2, tue: 2, tues: 2, wednesday: 3, thursday: 4, thu: 4, thur: 4, thurs: 4,
  friday: 5, fri: 5, saturday: 6,
  dimanche: 0, lundi: 1, mardi: 2, mercredi: 3, jeudi: 4, vendredi: 5, samedi: 6,
  sonntag: 0, montag: 1, dienstag: 2, mittwoch: 3, donnerstag: 4, freitag: 5, samstag: 6, sonnabend: 6,
  'الاحد': 0, 'الاثنين': 1, 'الثلاثاء': 2, 'الاربعاء': 3, 'الخميس': 4, 'الجمعة': 5, 'السبت': 6,
};
const WEEKDAY = alt(Object.keys(WEEKDAYS).sort((a, b) => b.length - a.length));

// prettier-ignore
const MONTHS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6, july: 7,
  jul: 7, august: 8, aug: 8, september: 9, sept: 9, sep: 9, october: 10, oct: 10, november: 11, nov: 11,
  december: 12, dec: 12,
  janvier: 1, 'février': 2, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, 'août': 8, aout: 8,
  septembre: 9, octobre: 10, novembre: 11, 'décembre': 12, decembre: 12,
  januar: 1, februar: 2, 'märz': 3, maerz: 3, juni: 6, juli: 7, oktober: 10, dezember: 12,
  'يناير': 1, 'فبراير': 2, 'مارس': 3, 'ابريل': 4, 'مايو': 5, 'يونيو': 6, 'يوليو': 7, 'اغسطس': 8, 'سبتمبر': 9,
  'اكتوبر': 10, 'نوفمبر': 11, 'ديسمبر': 12, 'كانون الثاني': 1, 'شباط': 2, 'اذار': 3, 'نيسان': 4, 'ايار': 5,
  'حزيران': 6, 'تموز': 7, 'اب': 8, 'ايلول': 9, 'تشرين الاول': 10, 'تشرين الثاني': 11, 'كانون الاول': 12,
};
const MONTH = alt(Object.keys(MONTHS).sort((a, b) => b.length - a.length));

const PERIOD_WORDS: Record<string, Period> = {
  morning: 'morning',
  matin: 'morning',
  früh: 'morning',
  frueh: 'morning',
  vormittag: 'morning',
  morgen: 'morning',
  صباح: 'morning',
  صباحا: 'morning',
  lunchtime: 'noon',
  midi: 'noon',
  mittag: 'noon',
  ظهر: 'noon',
  afternoon: 'afternoon',
  'après-midi': 'afternoon',
  'apres-midi': 'afternoon',
  'après midi': 'afternoon',
  nachmittag: 'afternoon',
  عصر: 'afternoon',
  عصرا: 'afternoon',
  evening: 'evening',
  soir: 'evening',
  soirée: 'evening',
  soiree: 'evening',
  abend: 'evening',
  مساء: 'evening',
  night: 'night',
  ليلا: 'night',
};
const periodOf = (word: string | undefined): Period | undefined =>
  word === undefined ? undefined : PERIOD_WORDS[word.replace(/\s+/g, ' ')];

/** A part of the day named with a day ("demain midi"): noon is an exact time, the rest approximate. */
function setPeriod(p: Parsed, period: Period | undefined): void {
  if (period === 'noon' && !p.clock) p.clock = { hour: 12, minute: 0, ambiguous: false };
  else if (period) p.period = period;
}

function setClock(
  p: Parsed,
  hour: number,
  minute: number,
  meridiem: 'am' | 'pm' | undefined,
  ambiguous: boolean,
): boolean {
  if (minute > 59 || hour > 24 || (meridiem && (hour < 1 || hour > 12)) || (hour === 24 && minute > 0))
    return false;
  p.clock = { hour, minute, ambiguous, ...(meridiem ? { meridiem } : {}) };
  return true;
}

const within = (p: Parsed, minutes: number, self: boolean): boolean => {
  if (!(minutes > 0 && minutes <= 7 * 24 * 60)) return false;
  p.relative = { minutes, self };
  return true;
};

/** The pieces, tried in this order at each position. */
export const PIECES: Piece[] = [
  // --- Relative spans -----------------------------------------------------------------------
  {
    slot: 'relative',
    re: sticky('(within|in|over)\\s+(?:the\\s+)?(next\\s+)?hour'),
    apply: (m, p) => within(p, 60, m[1] === 'within' || m[2] !== undefined),
  },
  {
    slot: 'relative',
    re: sticky(
      `(within|in|over)\\s+(?:the\\s+)?(next\\s+)?(half\\s+an?|${NUMBER})\\s+(hours?|hrs?|minutes?|mins?)`,
    ),
    apply: (m, p) => {
      const n = m[3]!.startsWith('half') ? 0.5 : numberValue(m[3]!);
      return within(p, m[4]!.startsWith('h') ? n * 60 : n, m[1] === 'within' || m[2] !== undefined);
    },
  },
  {
    slot: 'relative',
    re: sticky("dans\\s+l'heure|d'ici\\s+une\\s+heure|dans\\s+l'heure\\s+qui\\s+vient"),
    apply: (_m, p) => within(p, 60, true),
  },
  {
    slot: 'relative',
    re: sticky(`(dans|d'ici|sous)\\s+(?:les\\s+)?(${NUMBER})\\s?(prochaines\\s+)?(heures?|h|minutes?|min)`),
    apply: (m, p) =>
      within(p, numberValue(m[2]!) * (m[4]!.startsWith('h') ? 60 : 1), m[1] !== 'dans' || !!m[3]),
  },
  {
    slot: 'relative',
    re: sticky(
      `(innerhalb|binnen|in)\\s+(?:der\\s+|den\\s+|von\\s+)?(nächsten\\s+|naechsten\\s+)?(${NUMBER})?\\s*(stunden?|minuten?)`,
    ),
    apply: (m, p) => {
      const n = m[3] ? numberValue(m[3]) : 1;
      return within(p, m[4]!.startsWith('s') ? n * 60 : n, m[1] !== 'in' || m[2] !== undefined);
    },
  },
  {
    slot: 'relative',
    re: sticky('(?:خلال|في\\s+غضون|في\\s+خلال)\\s+(?:ال)?ساعه?ة?(?:\\s+(?:القادمة|المقبلة|القادمه))?'),
    apply: (_m, p) => within(p, 60, true),
  },
  {
    slot: 'relative',
    re: sticky('(?:خلال|في\\s+غضون)\\s+(?:ساعتين|ساعتان|الساعتين(?:\\s+(?:القادمتين|المقبلتين))?)'),
    apply: (_m, p) => within(p, 120, true),
  },
  {
    slot: 'relative',
    re: sticky('(?:خلال|في\\s+غضون)\\s+نصف\\s+ساعة'),
    apply: (_m, p) => within(p, 30, true),
  },
  {
    slot: 'relative',
    re: sticky(`(?:خلال|في\\s+غضون)\\s+(${NUMBER})\\s+(ساعات|ساعة|دقيقة|دقائق)`),
    apply: (m, p) => within(p, numberValue(m[1]!) * (m[2]!.startsWith('س') ? 60 : 1), true),
  },

  // --- Business close -----------------------------------------------------------------------
  {
    slot: 'close',
    re: sticky(
      '(?:the\\s+)?(?:end\\s+of\\s+(?:the\\s+)?(?:business\\s+|working\\s+|work\\s+)?day|end\\s+of\\s+(?:business|today)' +
        '|close\\s+of\\s+(?:play|business)|eod|cob|eob|cop|fin\\s+de\\s+(?:la\\s+)?journ[ée]e|ende\\s+des\\s+(?:arbeits)?tages' +
        '|feierabend|dienstschluss|نهاية\\s+(?:دوام\\s+)?(?:اليوم|الدوام|يوم\\s+العمل)|اخر\\s+(?:النهار|اليوم))',
    ),
    apply: (_m, p) => ((p.close = 'day'), true),
  },
  {
    slot: 'close',
    re: sticky(
      '(?:the\\s+)?end\\s+of\\s+(?:the\\s+|this\\s+)?week|fin\\s+de\\s+(?:la\\s+)?semaine|ende\\s+der\\s+woche|نهاية\\s+الاسبوع',
    ),
    apply: (_m, p) => ((p.close = 'week'), true),
  },

  // --- Clock times --------------------------------------------------------------------------
  {
    slot: 'clock',
    // "5pm", "5 p.m.", "3.30pm" (a final dot only after "p.m": "5pm." ends the sentence).
    re: sticky('(\\d{1,2})(?:[:.](\\d{2}))?\\s?([ap])(?:\\.\\s?m\\.|\\s?m)'),
    apply: (m, p) => setClock(p, Number(m[1]), Number(m[2] ?? 0), m[3] === 'a' ? 'am' : 'pm', false),
  },
  {
    slot: 'clock',
    re: sticky(`(${NUMBER})(?:\\s+o'?clock)?\\s?([ap])(?:\\.\\s?m\\.|\\s?m)|(${NUMBER})\\s+o'?clock`),
    apply: (m, p) =>
      m[1] !== undefined
        ? setClock(p, numberValue(m[1]), 0, m[2] === 'a' ? 'am' : 'pm', false)
        : setClock(p, numberValue(m[3]!), 0, undefined, numberValue(m[3]!) < 12),
  },
  {
    // German "15 Uhr", "15:30 Uhr", "15 Uhr 30".
    slot: 'clock',
    re: sticky('(\\d{1,2})(?:[:.](\\d{2}))?\\s*uhr(?:\\s+(\\d{2}))?'),
    apply: (m, p) => setClock(p, Number(m[1]), Number(m[2] ?? m[3] ?? 0), undefined, Number(m[1]) < 12),
  },
  {
    // French "18h", "18h30", "18 h 30", "18 heures".
    slot: 'clock',
    re: sticky('(\\d{1,2})\\s?(?:h|heures?)(?:\\s?(\\d{2}))?'),
    apply: (m, p) =>
      setClock(p, Number(m[1]), Number(m[2] ?? 0), undefined, Number(m[1]) < 12 && m[2] === undefined),
  },
  {
    // 24-hour "17:00", "17.30" (a dot only with round minutes: "4.11" is more likely a date).
    slot: 'clock',
    re: sticky('([01]?\\d|2[0-4])([:.])([0-5]\\d)(?!\\d)(?:\\s*(?:hrs?|h))?'),
    apply: (m, p) => {
      if (m[2] === '.' && !['00', '15', '30', '45'].includes(m[3]!)) return false;
      const hour = Number(m[1]);
      return setClock(p, hour, Number(m[3]), undefined, hour >= 1 && hour < 12 && m[1]!.length === 1);
    },
  },
  {
    slot: 'clock',
    re: sticky('([01]\\d|2[0-3])([0-5]\\d)\\s*(?:hrs|hours|h)'),
    apply: (m, p) => setClock(p, Number(m[1]), Number(m[2]), undefined, false),
  },
  {
    slot: 'clock',
    re: sticky('noon|midday|lunch\\s?time|midi|mittags?|الظهر|ظهرا'),
    apply: (m, p) => {
      setClock(p, 12, 0, undefined, false);
      if (m[0].startsWith('lunch')) p.clock!.approximate = true;
      return true;
    },
  },
  {
    slot: 'clock',
    re: sticky('midnight|minuit|mitternacht|منتصف\\s+الليل'),
    apply: (_m, p) => setClock(p, 24, 0, undefined, false),
  },
  {
    // Arabic: "الساعة الخامسة مساء", "الساعة 5 مساءً", "٥ مساءً", "العاشرة والنصف صباحا".
    slot: 'clock',
    re: sticky(
      `(الساعة\\s+)?(\\d{1,2}(?::\\d{2})?|${AR_HOUR})` +
        `(?:\\s+(والنصف|و\\s?نصف|والربع|و\\s?ربع|الا\\s+ربعا?|الا\\s+الربع))?` +
        `(?:\\s*(${alt(AR_PM)}|${alt(AR_AM)}))?`,
    ),
    apply: (m, p) => {
      const [, hourWord, value, fraction, marker] = m;
      // Bare digits are only an hour with "الساعة" or a morning/evening word.
      if (/^\d/.test(value!) && !hourWord && !marker) return false;
      let hour = AR_HOURS[value!.replace(/\s+/g, ' ')] ?? Number(value!.split(':')[0]);
      let minute = value!.includes(':') ? Number(value!.split(':')[1]) : 0;
      if (fraction?.includes('نصف')) minute = 30;
      else if (fraction?.startsWith('و')) minute = 15;
      else if (fraction) {
        hour -= 1;
        minute = 45;
      }
      const meridiem =
        marker === undefined ? undefined : alt(AR_AM).split('|').includes(marker) ? 'am' : 'pm';
      if (meridiem === 'pm' && hour === 12 && (marker === 'ظهرا' || marker === 'بعد الظهر'))
        return setClock(p, 12, minute, undefined, false);
      return setClock(
        p,
        hour,
        minute,
        hour <= 12 ? meridiem : undefined,
        meridiem === undefined && hour < 12,
      );
    },
  },

  // --- Days ---------------------------------------------------------------------------------
  {
    slot: 'day',
    re: sticky(
      "today|tonight|this\\s+(morning|afternoon|evening)|aujourd'hui|ce\\s+(matin|soir)|cet(?:te)?\\s+(apr[eè]s-?\\s?midi)" +
        '|heute(?:\\s+(morgen|vormittag|mittag|nachmittag|abend))?|اليوم|الليلة|هذا\\s+المساء|(مساء|صباح|ظهر|عصر)\\s+اليوم',
    ),
    apply: (m, p) => {
      p.day = { kind: 'today' };
      const period =
        periodOf(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]) ??
        (/^(tonight|الليلة)$/.test(m[0]) ? 'night' : undefined);
      setPeriod(p, m[0] === 'هذا المساء' ? 'evening' : period);
      return true;
    },
  },
  {
    slot: 'day',
    re: sticky(
      '(?:the\\s+)?day\\s+after\\s+tomorrow|apr[eè]s-?demain|übermorgen|uebermorgen|بعد\\s+(?:غد|الغد)',
    ),
    apply: (_m, p) => ((p.day = { kind: 'afterTomorrow' }), true),
  },
  {
    slot: 'day',
    re: sticky(
      '(first\\s+thing\\s+)?tomorrow(?:\\s+(morning|afternoon|evening|night|lunchtime))?' +
        '|demain(?:\\s+(matin|midi|soir|apr[eè]s-?\\s?midi))?|morgen(?:\\s+(fr[uü]h|frueh|vormittag|mittag|nachmittag|abend))?' +
        '|(مساء|صباح|ظهر|عصر)\\s+(?:الغد|غد|يوم\\s+غد)|غدا|الغد|يوم\\s+غد|بكرة|بكره',
    ),
    apply: (m, p) => {
      p.day = { kind: 'tomorrow' };
      setPeriod(p, m[1] ? 'morning' : periodOf(m[2] ?? m[3] ?? m[4] ?? m[5]));
      return true;
    },
  },
  {
    slot: 'day',
    re: sticky(
      `(?:(this|next|coming|ce|le|am|diesen|kommenden|nächsten|يوم)\\s+)?(${WEEKDAY})` +
        '(?:\\s+(morning|afternoon|evening|matin|soir|apr[eè]s-?midi|vormittag|nachmittag|abend|صباحا|مساء|المقبل|القادم))?',
    ),
    apply: (m, p) => {
      const next =
        ['next', 'nächsten', 'kommenden'].includes(m[1] ?? '') || m[3] === 'المقبل' || m[3] === 'القادم';
      p.day = { kind: 'weekday', weekday: WEEKDAYS[m[2]!]!, next };
      setPeriod(p, periodOf(m[3]));
      return true;
    },
  },
  {
    slot: 'day',
    re: sticky(
      `(\\d{1,2})(?:st|nd|rd|th|er|\\.)?\\s+(?:of\\s+)?(${MONTH})|(${MONTH})\\s+(\\d{1,2})(?:st|nd|rd|th)?(?![\\d:])`,
    ),
    apply: (m, p) => {
      const day = Number(m[1] ?? m[4]);
      const month = MONTHS[(m[2] ?? m[3])!.replace(/\s+/g, ' ')]!;
      if (day < 1 || day > 31) return false;
      p.day = { kind: 'date', month, day };
      return true;
    },
  },

  // --- Parts of the day, zones ---------------------------------------------------------------
  {
    slot: 'period',
    re: sticky(
      '(?:in\\s+the\\s+|the\\s+)?(morning|afternoon|evening|matin|apr[eè]s-?midi|soir[ée]?e?|vormittag|nachmittag|abend|صباحا|مساء|عصرا|ليلا)',
    ),
    apply: (m, p) => {
      const period = periodOf(m[1]);
      if (!period) return false;
      p.period = period;
      return true;
    },
  },
  ...zonePieces(),
];

function zonePieces(): Piece[] {
  // Named places and "X time" phrases follow the place's rules (summer time included); abbreviations
  // are read literally ("GMT" is UTC+0 even in July, "CET" UTC+1), as the sender wrote them.
  // prettier-ignore
  const named: [string, string][] = [
    ['(?:uk|british|london|gb)\\s+time|heure\\s+(?:de\\s+londres|britannique)|بتوقيت\\s+(?:لندن|بريطانيا)', 'Europe/London'],
    ['(?:paris|french|france)\\s+time|heure\\s+(?:de\\s+paris|française|francaise|de\\s+france)|بتوقيت\\s+(?:باريس|فرنسا)', 'Europe/Paris'],
    ['(?:brussels|berlin|madrid|rome|central\\s+european)\\s+time|deutscher\\s+zeit|بتوقيت\\s+بروكسل', 'Europe/Brussels'],
    ['(?:riyadh|ksa|saudi|mecca|makkah)\\s+time|بتوقيت\\s+(?:مكة(?:\\s+المكرمة)?|السعودية|الرياض)', 'Asia/Riyadh'],
    ['(?:dubai|uae|abu\\s+dhabi|gulf)\\s+time|بتوقيت\\s+(?:دبي|الامارات|ابوظبي|ابو\\s+ظبي)', 'Asia/Dubai'],
    ['(?:cairo|egypt)\\s+time|بتوقيت\\s+(?:القاهرة|مصر)', 'Africa/Cairo'],
    ['(?:beirut|lebanon)\\s+time|بتوقيت\\s+(?:بيروت|لبنان)', 'Asia/Beirut'],
    ['(?:doha|qatar)\\s+time|بتوقيت\\s+(?:الدوحة|قطر)', 'Asia/Qatar'],
    ['(?:amman|jordan)\\s+time|بتوقيت\\s+(?:عمان|الاردن)', 'Asia/Amman'],
    ['(?:new\\s+york|us\\s+eastern|eastern)\\s+time', 'America/New_York'],
    ['(?:pacific|los\\s+angeles|california)\\s+time', 'America/Los_Angeles'],
  ];
  // prettier-ignore
  const fixed: [string, number][] = [
    ['gmt|utc|zulu|بتوقيت\\s+(?:غرينتش|غرينيتش|جرينتش|غرينتش)', 0], ['bst', 60], ['cet|mez', 60], ['cest|mesz', 120],
    ['edt', -240], ['pst', -480], ['pdt', -420],
  ];
  const pieces: Piece[] = named.map(([source, iana]) => ({
    slot: 'zone',
    re: sticky(`(?:${source})`),
    apply: (_m, p) => ((p.zone = { iana }), true),
  }));
  pieces.push({
    slot: 'zone',
    re: sticky('(?:gmt|utc)\\s*([+-])\\s*(\\d{1,2})(?::?(\\d{2}))?'),
    apply: (m, p) => {
      const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
      if (minutes > 14 * 60) return false;
      p.zone = { offset: m[1] === '-' ? -minutes : minutes };
      return true;
    },
  });
  for (const [source, offset] of fixed) {
    pieces.push({
      slot: 'zone',
      re: sticky(`(?:${source})(?:\\s+time)?`),
      apply: (_m, p) => ((p.zone = { offset }), true),
    });
  }
  return pieces;
}

// Between pieces of one expression: spaces, commas and small words ("5pm on Thursday", "demain à 10h").
export const JOINER = new RegExp(
  `(?:\\s*,\\s*|\\s+)(?:(?:${alt(['on', 'at', 'the', 'of', 'by', 'à', 'a', 'le', 'la', 'du', 'am', 'um', 'den', 'في', 'يوم', 'من', 'على', 'بحلول', 'و'])})\\s+)*`,
  'uy',
);
