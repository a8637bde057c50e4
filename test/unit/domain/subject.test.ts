import { describe, it, expect } from 'vitest';
import { isGenericSubject, normalizeSubject } from '../../../server/domain/subject.ts';

describe('normalizeSubject: base', () => {
  it.each([
    // English and the common client prefixes
    ['Budget 2025', 'budget 2025'],
    ['Re: Budget 2025', 'budget 2025'],
    ['RE: Budget 2025', 'budget 2025'],
    ['re: budget 2025', 'budget 2025'],
    ['Fwd: Budget 2025', 'budget 2025'],
    ['FW: Budget 2025', 'budget 2025'],
    ['Re: Fwd: RE[2]: Budget 2025', 'budget 2025'],
    ['Re: Re: Re: Budget 2025', 'budget 2025'],
    ['RE(3): Budget 2025', 'budget 2025'],
    ['Re^2: Budget 2025', 'budget 2025'],
    // other languages' clients
    ['AW: Anfrage zum Haushalt', 'anfrage zum haushalt'],
    ['WG: AW: Anfrage zum Haushalt', 'anfrage zum haushalt'],
    ['SV: Budget', 'budget'],
    ['Antw: Budget', 'budget'],
    ['TR : Budget', 'budget'],
    ['Réf. : Budget', 'budget'],
    ['RV: Presupuesto', 'presupuesto'],
    ['R: Bilancio', 'bilancio'],
    ['ΑΠ: ΠΡΟΫΠΟΛΟΓΙΣΜΌΣ', 'προϋπολογισμός'],
    ['回复: 预算', '预算'],
    // Arabic
    ['رد: ميزانية 2025', 'ميزانية 2025'],
    ['إعادة توجيه: ميزانية 2025', 'ميزانية 2025'],
    ['توجيه: ميزانية 2025', 'ميزانية 2025'],
    ['رد: إعادة توجيه: رد: ميزانية 2025', 'ميزانية 2025'],
    ['رد، ميزانية 2025', 'ميزانية 2025'],
    ['\u200fرد: \u200fميزانية 2025', 'ميزانية 2025'],
    ['الميـــزانية', 'الميزانية'],
    ['\ufefb\ufe8e', 'لاا'],
    // full-width forms (East Asian input methods)
    ['Ｒｅ：Budget', 'budget'],
    ['Re：Budget', 'budget'],
    // tags and ticket tokens
    ['[EXTERNAL] RE: Budget', 'budget'],
    ['[ext] Re: Budget', 'budget'],
    ['Re: [EXTERNAL] Re: Budget', 'budget'],
    ['*EXTERNAL* Re: Budget', 'budget'],
    ['EXTERNAL: Re: Budget', 'budget'],
    ['[#123] Budget', 'budget'],
    ['Re: Budget [#123]', 'budget'],
    ['Re: Budget [Ticket#2024-0007]', 'budget'],
    ['Re: Budget [ ref:_00D1a2b._5001c2d:ref ]', 'budget'],
    ['[notmuch] [PATCH] Typsos', 'typsos'],
    // RFC 5256 trailers and wrappers
    ['Budget (fwd)', 'budget'],
    ['[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)', 'b'],
    ['Re: [fwd: [FWD: Budget]]', 'budget'],
    // whitespace and case
    ['  Re:   Budget \t 2025  ', 'budget 2025'],
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
  ])('%j → %j', (subject, base) => {
    expect(normalizeSubject(subject).base).toBe(base);
  });

  it.each(['Rest: of the budget', 'Reform: pensions', 'Trade: tariffs', 'Iran: talks', 'Research: results'])(
    'leaves a word that merely starts like a prefix: %j',
    (subject) => {
      const n = normalizeSubject(subject);
      expect(n.base).toBe(subject.toLowerCase());
      expect(n.isReply || n.isForward).toBe(false);
    },
  );

  it('gives the same key to the subjects different clients write for one conversation', () => {
    const variants = [
      'Minister visit on 12 May',
      'RE: Minister visit on 12 May',
      'AW: WG: Minister visit on 12 May',
      '[EXTERNAL] Re: Minister visit on 12 May [#4711]',
      'Ｒｅ： minister VISIT on 12 may',
      'رد: Minister visit on 12 May',
    ];
    expect(new Set(variants.map((s) => normalizeSubject(s).base)).size).toBe(1);
  });

  it('is linear on a subject of 50,000 nested prefixes', () => {
    const started = performance.now();
    expect(normalizeSubject('Re: Fwd: '.repeat(50_000) + 'x').base).toBe('x');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('strips a tag-only subject to empty', () => {
    expect(normalizeSubject('[EXTERNAL]').base).toBe('');
    expect(normalizeSubject('Re: ').base).toBe('');
    expect(normalizeSubject('').base).toBe('');
  });
});

describe('normalizeSubject: reply and forward flags', () => {
  it.each([
    ['Budget', false, false],
    ['Re: Budget', true, false],
    ['AW: Budget', true, false],
    ['رد: ميزانية', true, false],
    ['Fwd: Budget', false, true],
    ['WG: Budget', false, true],
    ['إعادة توجيه: ميزانية', false, true],
    ['Budget (fwd)', false, true],
    ['[fwd: Budget]', false, true],
    ['Fwd: Re: Budget', true, true],
    ['[EXTERNAL] Re: Budget', true, false],
    ['[EXTERNAL] Budget [#12]', false, false],
  ])('%j → reply %s, forward %s', (subject, isReply, isForward) => {
    expect(normalizeSubject(subject)).toMatchObject({ isReply, isForward });
  });
});

describe('isGenericSubject', () => {
  it.each([
    '',
    'Press enquiry',
    'PRESS ENQUIRY',
    'Media enquiry',
    'Media inquiry',
    'Press query',
    'Question',
    'Quick question',
    'Request for comment',
    'Request for comment - urgent',
    'URGENT: press enquiry',
    'Interview request',
    'Press enquiry #2',
    '(no subject)',
    'استفسار',
    'استفسار صحفي',
    'طلب تعليق',
    'سؤال عاجل',
    'Presseanfrage',
    'Demande presse',
    '???',
  ])('%j is generic', (subject) => {
    expect(isGenericSubject(normalizeSubject(subject).base)).toBe(true);
  });

  it.each([
    'Budget 2025',
    'Press enquiry about the hospital closure',
    'Question on flood defences',
    'Request for comment: school funding',
    'ميزانية 2025',
    'استفسار حول الميزانية',
    'Anfrage zum Haushalt',
  ])('%j is specific', (subject) => {
    expect(isGenericSubject(normalizeSubject(subject).base)).toBe(false);
  });
});
