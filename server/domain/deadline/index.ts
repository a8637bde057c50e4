// A journalist's deadline, read from their new words ("deadline 5pm", "by 17:00 UK time", "avant 18h",
// "bis 15 Uhr", "قبل الساعة الخامسة مساء اليوم") as a suggestion staff accept or change. Pure: the
// message's sent time and the newsdesk's zone come in, nothing is read from the clock.
//
// Finding: every time expression in the text is parsed (lexicon.ts), then kept only if something
// makes it a deadline: a word right before it ("by", "before", "avant", "bis", "قبل", "بحلول"), a
// deadline word in the same sentence ("deadline", "bouclage", "الموعد النهائي"), "at the latest"
// after it, a request ("could you … tomorrow morning"), or its own wording ("within the hour",
// "EOD"). "The meeting on 4 November" has none of these and yields nothing.
//
// Cost: most messages name no time at all. One regex scan of a cheaply folded copy settles those; in
// the rest, a second scan finds the places where an expression can start, and only there are the
// pieces tried one by one (rather than at every word).
import { JOINER, PIECES, type Parsed, type Period } from './lexicon.ts';
import { fold, foldQuick, originalSlice } from './text.ts';
import { addDays, instantOf, localTime, type Zone } from './zone.ts';

export interface DeadlineSuggestion {
  at: Date;
  /** the phrase found */
  text: string;
  /** 0–1: how sure the wording makes us (exact time and a "deadline" word near 1, a bare day lower). */
  confidence: number;
}

/** Only the start of a long message is read: deadlines come early, and this bounds the work. */
const MAX_TEXT = 20_000;
const MAX_PIECES = 6;
/** Hours for a day named without a time: end of business, or the part of the day given. */
const CLOSE_HOUR = 17;
const PERIOD_HOUR: Record<Period, number> = { morning: 9, noon: 12, afternoon: 14, evening: 18, night: 20 };

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

const WORD_START = '(?<![\\p{L}\\p{N}])';
const anyOf = (slots: (p: (typeof PIECES)[number]) => boolean): string =>
  PIECES.filter(slots)
    .map((p) => `(?:${p.re.source})`)
    .join('|');
// An expression starts with any piece but a zone, at the start of a word (what parseAt accepts).
const EXPRESSION_START = new RegExp(`${WORD_START}(?:${anyOf((p) => p.slot !== 'zone')})`, 'gu');
// An expression that names a time has a clock, day, close or span piece, each at the start of a word
// (first, or after a joiner, which ends in a space or comma): without one, nothing can be found.
const NAMES_A_TIME = new RegExp(
  `${WORD_START}(?:${anyOf((p) => p.slot !== 'zone' && p.slot !== 'period')})`,
  'u',
);

/** Whether `text` may hold a deadline at all: false means extractDeadline finds nothing in it. */
export function mayHoldDeadline(text: string): boolean {
  return NAMES_A_TIME.test(foldQuick(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text));
}

export interface ExtractOptions {
  /**
   * Skip the pre-filter and the start scan and try every word (the reference the scans are
   * checked against in tests and measured against in the bench). Default false.
   */
  exhaustive?: boolean;
}

// What can come right before an expression to make it a deadline, then the filler allowed between.
const LEAD_IN =
  /(?:^|[^\p{L}])(by|before|no\s+later\s+than|not\s+later\s+than|latest\s+by|deadline(?:\s+(?:is|of|for\s+\S+))?|avant|d'ici|au\s+plus\s+tard|pour|bis(?:\s+spätestens)?|spätestens|vor|قبل|حتى|بحلول|لا\s+يتجاوز|اقصاه|الموعد\s+النهائي(?:\s+هو)?|موعد\s+التسليم)\s*[:,-]?\s*(?:(?:the|on|at|le|la|à|a|am|um|den|يوم|في)\s+)*$/u;
// Words that make any expression later in the sentence a deadline.
const DEADLINE_WORD =
  /(?:^|[^\p{L}])(deadline|dead\s+line|(?:we|i)\s+(?:file|publish|go\s+to\s+print|go\s+live|go\s+on\s+air)|filing|press\s+time|date\s+limite|d[ée]lai|bouclage|redaktionsschluss|abgabetermin|frist|الموعد\s+النهائي|موعد\s+التسليم|اخر\s+موعد|الموعد\s+الاخير|موعد\s+نهائي)(?![\p{L}])/u;
const REQUEST =
  /(?:^|[^\p{L}])(need|needed|needs|require|required|could\s+you|can\s+you|would\s+you|please|asap|j'ai\s+besoin|nous\s+avons\s+besoin|pourriez-vous|pouvez-vous|merci\s+de|bitte|brauche|brauchen|könnten\s+sie|können\s+sie|يرجى|نرجو|ارجو|الرجاء|نحتاج|احتاج|هل\s+يمكن|نامل)(?![\p{L}])/u;
// A preposition right before a bare expression makes it an event time ("the meeting on Friday").
const EVENT_PREPOSITION =
  /(?:^|[^\p{L}])(on|at|in|during|from|since|after|for|le|à|au|en|am|um|im|seit|nach|في|منذ|بعد)\s*$/u;
const AT_THE_LATEST =
  /^\s*,?\s*(at\s+the\s+latest|latest|au\s+plus\s+tard|spätestens|كحد\s+اقصى|على\s+ابعد\s+تقدير|على\s+الاكثر)(?![\p{L}])/u;
const DEADLINE_AFTER = /^\s*(deadline|dead\s+line)(?![\p{L}])/u;
const IN_THE_PAST = /^\s*,?\s*(yesterday|hier|gestern|امس|البارحة|ago|last\s+week)(?![\p{L}])/u;
// "bis morgen" / "bis bald" close a German mail ("see you tomorrow"); they set no deadline.
const FAREWELL = /(?:^|[^\p{L}])bis\s*$/u;

interface Candidate {
  parsed: Parsed;
  phraseStart: number;
  base: number;
}

/** The most likely deadline in `text` (the sender's new words), relative to `sent`, or null. */
export function extractDeadline(
  text: string,
  sent: Date,
  timeZone: string,
  options: ExtractOptions = {},
): DeadlineSuggestion | null {
  const home: Zone = { iana: timeZone };
  localTime(sent.getTime(), home); // an unknown zone throws here, before any parsing
  const exhaustive = options.exhaustive === true;
  if (!exhaustive && !mayHoldDeadline(text)) return null;
  const folded = fold(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text);
  const s = folded.text;

  let best: DeadlineSuggestion | null = null;
  for (let i = exhaustive ? 0 : nextStart(s, 0); i < s.length; i = exhaustive ? i + 1 : nextStart(s, i + 1)) {
    if (exhaustive && !isWordStart(s, i)) continue;
    const parsed = parseAt(s, i);
    if (!parsed) continue;
    const candidate = judge(s, parsed);
    i = parsed.end - 1;
    if (!candidate) continue;
    const resolved = resolve(parsed, sent, home);
    if (!resolved) continue;
    const confidence = Math.round(candidate.base * resolved.certainty * 100) / 100;
    if (best && confidence <= best.confidence) continue;
    best = {
      at: new Date(resolved.at),
      text: originalSlice(text, folded, candidate.phraseStart, candidate.parsed.end),
      confidence,
    };
  }
  return best;
}

// Word starts by code point, as the regexes see them (a letter outside the BMP is one letter).
function isWordStart(s: string, i: number): boolean {
  const here = s.codePointAt(i);
  if (here === undefined || (here >= 0xdc00 && here <= 0xdfff)) return false; // inside a pair
  if (!LETTER_OR_DIGIT.test(String.fromCodePoint(here))) return false;
  if (i === 0) return true;
  const low = s.charCodeAt(i - 1);
  const prev = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? s.codePointAt(i - 2)! : low;
  return !LETTER_OR_DIGIT.test(String.fromCodePoint(prev));
}

/** The next place at or after `from` where an expression can start (s.length when none). */
function nextStart(s: string, from: number): number {
  EXPRESSION_START.lastIndex = from;
  const m = EXPRESSION_START.exec(s);
  return m ? Math.max(m.index, from) : s.length;
}

/** The longest run of pieces starting at `start`, if it names a time (not just a zone or a part of day). */
function parseAt(s: string, start: number): Parsed | null {
  const parsed: Parsed = { start, end: start };
  let at = start;
  for (let count = 0; count < MAX_PIECES; count++) {
    let from = at;
    if (count > 0) {
      JOINER.lastIndex = at;
      const joiner = JOINER.exec(s);
      if (!joiner) break;
      from = at + joiner[0].length;
    }
    let matched = false;
    for (const piece of PIECES) {
      // Each slot once ("demain midi" fills the clock too); a zone never starts an expression.
      if (parsed[piece.slot] !== undefined || (count === 0 && piece.slot === 'zone')) continue;
      piece.re.lastIndex = from;
      const m = piece.re.exec(s);
      if (!m || !piece.apply(m, parsed)) continue;
      at = from + m[0].length;
      parsed.end = at;
      matched = true;
      break;
    }
    if (!matched) break;
  }
  const named = parsed.clock || parsed.day || parsed.close || parsed.relative;
  return named ? parsed : null;
}

function sentenceStart(s: string, at: number): number {
  const floor = Math.max(0, at - 300);
  for (let i = at - 1; i >= floor; i--) {
    const ch = s[i]!;
    if (ch === '\n' || ch === '!' || ch === '?' || ch === '؟') return i + 1;
    if (ch === '.' && i + 1 < at && /\s/.test(s[i + 1]!)) return i + 1;
  }
  return floor;
}

/** How strongly the words around an expression make it a deadline (0 = not at all). */
function judge(s: string, parsed: Parsed): Candidate | null {
  const sentence = sentenceStart(s, parsed.start);
  const before = s.slice(sentence, parsed.start);
  const after = s.slice(parsed.end, parsed.end + 40);
  if (IN_THE_PAST.test(after)) return null;
  const dayOnly = !parsed.clock && !parsed.close && !parsed.relative;
  if (dayOnly && FAREWELL.test(before) && parsed.day?.kind === 'tomorrow') return null;

  const lead = LEAD_IN.exec(before);
  if (lead) {
    const strong = /deadline|الموعد|موعد|اقصاه/.test(lead[1]!);
    return {
      parsed,
      phraseStart: sentence + lead.index + lead[0].indexOf(lead[1]!),
      base: strong ? 0.95 : 0.85,
    };
  }
  if (DEADLINE_AFTER.test(after)) {
    parsed.end += DEADLINE_AFTER.exec(after)![0].length;
    return { parsed, phraseStart: parsed.start, base: 0.95 };
  }
  if (AT_THE_LATEST.test(after)) {
    parsed.end += AT_THE_LATEST.exec(after)![0].length;
    return { parsed, phraseStart: parsed.start, base: 0.85 };
  }
  const word = DEADLINE_WORD.exec(before);
  if (word) {
    const at = sentence + word.index + word[0].indexOf(word[1]!);
    return { parsed, phraseStart: parsed.start - at <= 60 ? at : parsed.start, base: 0.85 };
  }
  if (parsed.relative?.self || parsed.close) return { parsed, phraseStart: parsed.start, base: 0.85 };
  if (REQUEST.test(before) && !EVENT_PREPOSITION.test(before))
    return { parsed, phraseStart: parsed.start, base: 0.6 };
  return null;
}

/** The instant an expression names, and how exact the wording is (1 = to the minute). */
function resolve(p: Parsed, sent: Date, home: Zone): { at: number; certainty: number } | null {
  const now = sent.getTime();
  if (p.relative) return { at: now + p.relative.minutes * 60_000, certainty: 1 };
  const zone = p.zone ?? home;
  const today = localTime(now, zone);

  // Time of day.
  let hour: number;
  let minute = 0;
  let certainty = 1;
  if (p.clock) {
    hour = p.clock.hour;
    minute = p.clock.minute;
    if (p.clock.meridiem === 'pm' && hour < 12) hour += 12;
    else if (p.clock.meridiem === 'am' && hour === 12) hour = 0;
    else if (!p.clock.meridiem && p.clock.ambiguous && hour >= 1 && hour <= 12) {
      // "by 5", "الساعة الخامسة": a part of the day decides, else working hours (1–6 is afternoon).
      const pm = p.period ? p.period !== 'morning' : hour <= 6;
      if (pm && hour < 12) hour += 12;
      if (!p.period) certainty = 0.9;
    }
    if (p.clock.approximate) certainty = 0.8;
  } else if (p.close) {
    hour = CLOSE_HOUR;
    certainty = p.close === 'week' ? 0.8 : 0.9;
  } else if (p.period) {
    hour = PERIOD_HOUR[p.period];
    certainty = 0.7;
  } else {
    hour = CLOSE_HOUR;
    certainty = 0.75;
  }

  const at = (date: { year: number; month: number; day: number }, days = 0): number =>
    instantOf(date.year, date.month, date.day + days, hour, minute, zone);
  const day = p.day;
  if (p.close === 'week' && !day) {
    // The end of the working week: Friday, or Thursday where the weekend is Friday–Saturday.
    const lastDay =
      'iana' in zone && /^Asia\/(Riyadh|Dubai|Qatar|Kuwait|Bahrain|Muscat|Amman)$/.test(zone.iana) ? 4 : 5;
    return nextWeekday(today, lastDay, now, at, certainty);
  }
  if (!day) {
    // No day: today, or tomorrow when that time has passed; "end of day" after hours means tonight.
    const instant = at(today);
    if (instant > now) return { at: instant, certainty };
    if (p.close === 'day')
      return { at: instantOf(today.year, today.month, today.day, 23, 59, zone), certainty: 0.6 };
    return { at: at(today, 1), certainty };
  }
  switch (day.kind) {
    case 'today':
      return { at: at(today), certainty };
    case 'tomorrow':
      return { at: at(today, 1), certainty };
    case 'afterTomorrow':
      return { at: at(today, 2), certainty };
    case 'weekday':
      return nextWeekday(today, day.weekday, now, at, certainty * (day.next ? 0.9 : 1));
    case 'date': {
      // That date this year; next year once it has passed (today's date stays today, like "today").
      for (const year of [today.year, today.year + 1]) {
        const check = new Date(Date.UTC(year, day.month - 1, day.day));
        if (check.getUTCMonth() !== day.month - 1) return null; // 31 November
        const isToday = year === today.year && day.month === today.month && day.day === today.day;
        const instant = instantOf(year, day.month, day.day, hour, minute, zone);
        if (instant > now || isToday) return { at: instant, certainty };
      }
      return null;
    }
  }
}

/** The first such weekday, today included, whose deadline is still ahead. */
function nextWeekday(
  today: { year: number; month: number; day: number; weekday: number },
  weekday: number,
  now: number,
  at: (date: { year: number; month: number; day: number }, days?: number) => number,
  certainty: number,
): { at: number; certainty: number } {
  for (let k = 0; k <= 7; k++) {
    const date = addDays(today, k);
    if (date.weekday !== weekday) continue;
    const instant = at(date);
    if (instant > now) return { at: instant, certainty };
  }
  return { at: at(addDays(today, 7)), certainty };
}
