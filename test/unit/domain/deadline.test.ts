import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { extractDeadline, mayHoldDeadline } from '../../../server/domain/deadline/index.ts';
import { fold, foldQuick } from '../../../server/domain/deadline/text.ts';
import { instantOf, localTime } from '../../../server/domain/deadline/zone.ts';
import { splitReplyText } from '../../../server/domain/quotes/index.ts';
import { corporaDir, corpusAvailable } from '../../support/corpus-mail.ts';

// Sent times (all UTC). 2024-11-05 is a Tuesday in GMT; 2024-07-09 a Tuesday in BST. UK clocks went
// forward on Sunday 2024-03-31 at 01:00 UTC and back on Sunday 2024-10-27 at 01:00 UTC.
const WINTER = '2024-11-05T10:00:00Z'; // 10:00 in London, 11:00 in Paris, 13:00 in Riyadh
const SUMMER = '2024-07-09T10:00:00Z'; // 11:00 BST
const RIYADH_MORNING = '2024-11-05T06:00:00Z'; // 09:00 in Riyadh (UTC+3 all year)

interface Case {
  text: string;
  sent: string;
  zone?: string;
  at: string;
}

const cases: Case[] = [
  // English, London, winter
  { text: 'Our deadline 5pm.', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  { text: 'Deadline is 5pm today, sorry for the rush', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  { text: 'Can you reply by 17:00 UK time?', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  { text: 'Could we have a line before Thursday noon please', sent: WINTER, at: '2024-11-07T12:00:00Z' },
  { text: 'I need it by close of play', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  { text: 'by end of day please', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  { text: 'Need a statement EOD', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  { text: 'Please respond within the hour.', sent: WINTER, at: '2024-11-05T11:00:00Z' },
  { text: 'We are filing in the next two hours.', sent: WINTER, at: '2024-11-05T12:00:00Z' },
  { text: 'within 30 minutes if you can', sent: WINTER, at: '2024-11-05T10:30:00Z' },
  { text: 'Could you get back to me by 3.30pm today?', sent: WINTER, at: '2024-11-05T15:30:00Z' },
  { text: 'Could you send it tomorrow morning?', sent: WINTER, at: '2024-11-06T09:00:00Z' },
  { text: 'Any chance of a response by Friday?', sent: WINTER, at: '2024-11-08T17:00:00Z' },
  { text: 'by 10am GMT tomorrow', sent: WINTER, at: '2024-11-06T10:00:00Z' },
  { text: 'by 16:00 CET', sent: WINTER, at: '2024-11-05T15:00:00Z' },
  { text: 'Deadline: Friday 10am', sent: WINTER, at: '2024-11-08T10:00:00Z' },
  { text: 'ahead of our 6pm deadline', sent: WINTER, at: '2024-11-05T18:00:00Z' },
  { text: 'by 5pm on Thursday at the latest', sent: WINTER, at: '2024-11-07T17:00:00Z' },
  { text: 'Please confirm by 2 p.m.', sent: WINTER, at: '2024-11-05T14:00:00Z' },
  { text: 'by midnight', sent: WINTER, at: '2024-11-06T00:00:00Z' },
  { text: 'We file at 18:00', sent: WINTER, at: '2024-11-05T18:00:00Z' },
  { text: 'no later than 1700 hrs', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  { text: 'by the end of the week', sent: WINTER, at: '2024-11-08T17:00:00Z' },
  { text: 'by 4 November', sent: '2024-10-30T12:00:00Z', at: '2024-11-04T17:00:00Z' },
  { text: 'before five o’clock', sent: WINTER, at: '2024-11-05T17:00:00Z' },
  // A time already past: today only when the sender says "today", otherwise the next one.
  { text: 'by 5pm', sent: '2024-11-05T18:00:00Z', at: '2024-11-06T17:00:00Z' },
  { text: 'by 5pm today', sent: '2024-11-05T18:00:00Z', at: '2024-11-05T17:00:00Z' },
  { text: 'by end of day', sent: '2024-11-05T19:00:00Z', at: '2024-11-05T23:59:00Z' },
  // Weekdays: the next such day whose deadline is still ahead (today included).
  { text: 'before Thursday noon', sent: '2024-11-07T09:00:00Z', at: '2024-11-07T12:00:00Z' },
  { text: 'before Thursday noon', sent: '2024-11-07T13:00:00Z', at: '2024-11-14T12:00:00Z' },
  // Summer time, and across the clock changes
  { text: 'Our deadline 5pm.', sent: SUMMER, at: '2024-07-09T16:00:00Z' },
  { text: 'by 10am GMT', sent: '2024-07-09T08:00:00Z', at: '2024-07-09T10:00:00Z' }, // GMT read literally
  { text: 'by 4pm Paris time', sent: '2024-07-09T08:00:00Z', at: '2024-07-09T14:00:00Z' },
  { text: 'by 16:00 CET', sent: '2024-07-09T08:00:00Z', at: '2024-07-09T15:00:00Z' }, // CET read literally: UTC+1
  { text: 'by 17:00 UK time', sent: SUMMER, zone: 'Asia/Dubai', at: '2024-07-09T16:00:00Z' },
  { text: 'by Monday 10am', sent: '2024-10-25T15:00:00Z', at: '2024-10-28T10:00:00Z' }, // BST → GMT
  { text: 'by 5pm on Sunday', sent: '2024-10-25T15:00:00Z', at: '2024-10-27T17:00:00Z' }, // the change day itself
  { text: 'by Monday 9am', sent: '2024-03-29T16:00:00Z', at: '2024-04-01T08:00:00Z' }, // GMT → BST
  { text: 'within the hour', sent: '2024-03-31T00:30:00Z', at: '2024-03-31T01:30:00Z' }, // across the skipped hour
  { text: 'Could you reply tomorrow morning?', sent: '2024-03-30T18:00:00Z', at: '2024-03-31T08:00:00Z' },
  // French, German
  { text: 'Merci de répondre avant 18h', sent: WINTER, zone: 'Europe/Paris', at: '2024-11-05T17:00:00Z' },
  {
    text: "J'en ai besoin d'ici demain midi",
    sent: WINTER,
    zone: 'Europe/Paris',
    at: '2024-11-06T11:00:00Z',
  },
  { text: 'dans les deux prochaines heures', sent: WINTER, zone: 'Europe/Paris', at: '2024-11-05T12:00:00Z' },
  { text: 'Notre bouclage est à 17h30 heure de Paris', sent: WINTER, at: '2024-11-05T16:30:00Z' },
  { text: 'Bitte bis 15 Uhr', sent: WINTER, zone: 'Europe/Berlin', at: '2024-11-05T14:00:00Z' },
  { text: 'bis spätestens Freitag 12 Uhr', sent: WINTER, zone: 'Europe/Berlin', at: '2024-11-08T11:00:00Z' },
  // Arabic, Riyadh
  {
    text: 'نرجو الرد قبل الساعة الخامسة مساء اليوم',
    sent: RIYADH_MORNING,
    zone: 'Asia/Riyadh',
    at: '2024-11-05T14:00:00Z',
  },
  { text: 'قبل الساعة 5 مساءً', sent: RIYADH_MORNING, zone: 'Asia/Riyadh', at: '2024-11-05T14:00:00Z' },
  {
    text: 'الموعد النهائي غدا الساعة العاشرة صباحا',
    sent: RIYADH_MORNING,
    zone: 'Asia/Riyadh',
    at: '2024-11-06T07:00:00Z',
  },
  { text: 'نحتاج الرد خلال ساعة', sent: RIYADH_MORNING, zone: 'Asia/Riyadh', at: '2024-11-05T07:00:00Z' },
  { text: 'خلال ساعتين من فضلكم', sent: RIYADH_MORNING, zone: 'Asia/Riyadh', at: '2024-11-05T08:00:00Z' },
  { text: 'نرجو الرد قبل ٥ مساءً', sent: RIYADH_MORNING, zone: 'Asia/Riyadh', at: '2024-11-05T14:00:00Z' },
  {
    text: '\u202bقبل الساعة ٥:٣٠ مساءً\u202c',
    sent: RIYADH_MORNING,
    zone: 'Asia/Riyadh',
    at: '2024-11-05T14:30:00Z',
  },
  {
    text: 'بحلول الساعة الثانية ظهرا يوم الخميس',
    sent: RIYADH_MORNING,
    zone: 'Asia/Riyadh',
    at: '2024-11-07T11:00:00Z',
  },
  {
    text: 'بحلول الساعة العاشرة والنصف صباح الغد',
    sent: RIYADH_MORNING,
    zone: 'Asia/Riyadh',
    at: '2024-11-06T07:30:00Z',
  },
  { text: 'قبل نهاية الدوام', sent: RIYADH_MORNING, zone: 'Asia/Riyadh', at: '2024-11-05T14:00:00Z' },
  // Arabic with an explicit zone, newsdesk in London
  { text: 'قبل الساعة 3 عصرا بتوقيت مكة', sent: WINTER, at: '2024-11-05T12:00:00Z' },
];

describe('extractDeadline: phrasings', () => {
  for (const c of cases) {
    it(`${c.text} (sent ${c.sent}${c.zone ? `, ${c.zone}` : ''})`, () => {
      const found = extractDeadline(c.text, new Date(c.sent), c.zone ?? 'Europe/London');
      expect(found?.at.toISOString()).toBe(new Date(c.at).toISOString());
    });
  }
});

const none = [
  'the meeting on 4 November',
  'Could you tell me what was said at the meeting on 4 November?',
  'I called at 5pm yesterday',
  'The report was published before 10am yesterday',
  'Sent by John Smith on Friday',
  'The conference runs from 9am to 5pm',
  'The event is on Friday at 5pm, could you attend?',
  'Prices rose by 5% in March',
  'by phone please',
  'Thanks, see you Thursday',
  'Bis morgen!',
  'avant mon départ en vacances',
  'La réunion du 4 novembre',
  'الاجتماع يوم 4 نوفمبر في مكتب الوزير',
  '',
];

describe('extractDeadline: no deadline', () => {
  for (const text of none) {
    it(JSON.stringify(text), () => {
      expect(extractDeadline(text, new Date(WINTER), 'Europe/London')).toBeNull();
    });
  }
});

describe('extractDeadline: phrase and confidence', () => {
  const at = (text: string, zone = 'Europe/London') => extractDeadline(text, new Date(WINTER), zone)!;

  it('reports the phrase as the sender wrote it', () => {
    expect(at('Hello, can you reply by 17:00 UK time? Thanks').text).toBe('by 17:00 UK time');
    expect(at('نرجو الرد قبل الساعة الخامسة مساء اليوم', 'Asia/Riyadh').text).toBe(
      'قبل الساعة الخامسة مساء اليوم',
    );
    expect(at('قبل ٥ مساءً', 'Asia/Riyadh').text).toBe('قبل ٥ مساء');
    expect(at('ahead of our 6pm deadline').text).toBe('6pm deadline');
  });

  it('is surest of an exact time with a deadline word and least of a bare part of the day', () => {
    const exact = at('Deadline is 5pm');
    const clock = at('by 3.30pm today');
    const day = at('by Friday');
    const morning = at('Could you send it tomorrow morning?');
    expect(exact.confidence).toBeGreaterThan(clock.confidence);
    expect(clock.confidence).toBeGreaterThan(day.confidence);
    expect(day.confidence).toBeGreaterThan(morning.confidence);
    expect(morning.confidence).toBeLessThan(0.5);
    for (const s of [exact, clock, day, morning]) {
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('prefers an explicit deadline over another time in the same message', () => {
    const found = at('I need the figures by Thursday, but our deadline is 11am tomorrow.');
    expect(found.at.toISOString()).toBe('2024-11-06T11:00:00.000Z');
  });

  it('rejects an unknown time zone name', () => {
    expect(() => extractDeadline('by 5pm', new Date(WINTER), 'Mars/Olympus')).toThrow(RangeError);
  });

  it('reads a long message in bounded time', () => {
    const text = 'by 5pm on Thursday at the latest. '.repeat(30_000);
    const start = performance.now();
    expect(extractDeadline(text, new Date(WINTER), 'Europe/London')).not.toBeNull();
    // Loose on purpose: guards against runaway regexes, not a speed measurement.
    expect(performance.now() - start).toBeLessThan(5000);
  });
});

// The pre-filter and the start scan only skip work: on any text, the result must be exactly what
// trying every word finds.
describe('extractDeadline: pre-filter and start scan lose nothing', () => {
  const same = (text: string, sent: Date, zone = 'Europe/London'): void => {
    const fast = extractDeadline(text, sent, zone);
    const full = extractDeadline(text, sent, zone, { exhaustive: true });
    expect({ text, found: fast }).toEqual({ text, found: full });
    if (full) expect(mayHoldDeadline(text)).toBe(true);
  };

  it('on every phrasing and every no-deadline text above', () => {
    for (const c of cases) {
      same(c.text, new Date(c.sent), c.zone);
      expect(mayHoldDeadline(c.text)).toBe(true);
    }
    for (const text of none) same(text, new Date(WINTER));
  });

  it('on awkward characters: case, letters outside the BMP, dotted capitals, bidi marks, digits', () => {
    const texts = [
      'BY 5PM TODAY',
      'İstanbul office: by 17:00 please',
      '𝐀by 5pm',
      '𝐀 by 5pm',
      'by 5pm𝐀',
      '\u200fقبل الساعة ٥ مساءً\u200f',
      'قَبْلَ الساعةِ الخامسةِ مساءً',
      'ＢＹ　１７：００',
      'Deadline：17：00',
      'by 5pm'.padStart(25_000, 'x '),
    ];
    for (const t of texts) same(t, new Date(WINTER));
  });

  it('says "nothing here" for mail that names no time', () => {
    expect(mayHoldDeadline('Thanks for the statement, could you send the Arabic version?')).toBe(false);
    expect(mayHoldDeadline('هل يمكن إرسال النسخة العربية من البيان؟')).toBe(false);
    expect(mayHoldDeadline('Merci pour le communiqué.')).toBe(false);
  });

  it('folds quickly to the same text as the full fold', () => {
    for (const t of [...cases.map((c) => c.text), ...none, 'ÀÉÎ Straße ﻻ أإآ ى ٠١٢ ۴ ’‘ ٫ ：']) {
      expect(foldQuick(t)).toBe(fold(t).text);
    }
  });

  const dir = corporaDir();
  it.runIf(corpusAvailable(dir, 'deadline pre-filter corpora'))(
    'on every mail and text fixture of the shared corpora (whole text and new words)',
    async () => {
      const files: string[] = [];
      const walk = (d: string): void => {
        for (const name of readdirSync(d)) {
          const path = join(d, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (/\.(eml|txt)$/.test(name) || !name.includes('.')) files.push(path);
        }
      };
      walk(dir);
      expect(files.length).toBeGreaterThan(200);
      let checked = 0;
      for (const path of files) {
        const raw = readFileSync(path);
        let text = raw.toString('utf8');
        let sent = new Date(WINTER);
        if (path.endsWith('.eml')) {
          const parsed = await PostalMime.parse(raw);
          text = parsed.text ?? '';
          if (parsed.date && !Number.isNaN(Date.parse(parsed.date))) sent = new Date(parsed.date);
        }
        same(text.slice(0, 20_000), sent);
        const folded = fold(text);
        expect(folded.text).toBe(foldQuick(text));
        expect(folded.origin).toHaveLength(folded.text.length + 1);
        same(splitReplyText(text.slice(0, 20_000)).newText, sent);
        checked++;
      }
      expect(checked).toBe(files.length);
    },
    60_000,
  );
});

describe('zone arithmetic', () => {
  it('maps wall-clock times to instants across the UK clock changes', () => {
    const london = { iana: 'Europe/London' };
    expect(new Date(instantOf(2024, 10, 27, 0, 30, london)).toISOString()).toBe('2024-10-26T23:30:00.000Z');
    // 01:30 happens twice on 27 October: the first (BST) wins.
    expect(new Date(instantOf(2024, 10, 27, 1, 30, london)).toISOString()).toBe('2024-10-27T00:30:00.000Z');
    expect(new Date(instantOf(2024, 10, 27, 2, 30, london)).toISOString()).toBe('2024-10-27T02:30:00.000Z');
    // 01:30 never happens on 31 March: read with the offset before the change.
    expect(new Date(instantOf(2024, 3, 31, 1, 30, london)).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(new Date(instantOf(2024, 3, 31, 2, 30, london)).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(localTime(Date.parse('2024-07-09T23:30:00Z'), london)).toEqual({
      year: 2024,
      month: 7,
      day: 10,
      hour: 0,
      minute: 30,
      weekday: 3,
    });
    expect(new Date(instantOf(2024, 11, 5, 9, 0, { offset: 180 })).toISOString()).toBe(
      '2024-11-05T06:00:00.000Z',
    );
  });
});
