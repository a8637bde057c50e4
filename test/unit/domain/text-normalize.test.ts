import { describe, expect, it } from 'vitest';
import {
  canonicalizeUrl,
  extractFigures,
  extractUrls,
  normalizeForMatch,
  splitTranslationSuffix,
  stemArabic,
  tokenize,
} from '../../../server/domain/text-normalize.ts';

const keys = (text: string): string[] => extractFigures(text).map((f) => f.key);

describe('normalizeForMatch: Arabic', () => {
  it('folds hamza and alef forms to bare alef', () => {
    expect(normalizeForMatch('أ إ آ ٱ')).toBe('ا ا ا ا');
  });
  it('folds alef maqsura to ya and ta marbuta to ha', () => {
    expect(normalizeForMatch('مستشفى مدرسة')).toBe('مستشفي مدرسه');
  });
  it('removes tatweel and harakat', () => {
    expect(normalizeForMatch('عـــربي مُحَمَّدٌ')).toBe('عربي محمد');
  });
  it('maps Arabic-Indic and Persian digits to ASCII', () => {
    expect(normalizeForMatch('٢٠١٥ ۲۰۱۶')).toBe('2015 2016');
  });
  it('turns Arabic punctuation into spaces', () => {
    expect(normalizeForMatch('سورية، العراق؛ لماذا؟ «بيان»')).toBe('سوريه العراق لماذا بيان');
  });
  it('folds Urdu letter forms', () => {
    expect(normalizeForMatch('کی')).toBe('كي');
  });
});

describe('normalizeForMatch: Latin', () => {
  it('folds case and strips accents', () => {
    expect(normalizeForMatch('Koweït ÉTÉ Bruxelles')).toBe('koweit ete bruxelles');
  });
  it('folds ß and collapses punctuation and whitespace', () => {
    expect(normalizeForMatch('Außenminister  —  "Wien",\n\tSyrien!')).toBe('aussenminister wien syrien');
  });
});

describe('tokenize', () => {
  it('drops English, French and Arabic stop words', () => {
    expect(tokenize('the statement of the minister')).toEqual(['statement', 'minister']);
    expect(tokenize('la déclaration du ministre')).toEqual(['declaration', 'ministre']);
    expect(tokenize('بيان من الوزير في لندن')).toEqual(['بيان', 'وزير', 'لندن']);
  });
  it('strips the article and و conservatively', () => {
    expect(stemArabic('والمملكه')).toBe('مملك');
    expect(stemArabic('الكويت')).toBe('كويت');
    // Too short to strip: a three-letter word keeps its first letter.
    expect(stemArabic('ولد')).toBe('ولد');
  });
});

describe('extractFigures', () => {
  it('reads amounts with currency and scale in any script', () => {
    expect(keys('£5.5m')).toEqual(['n:5500000']);
    expect(keys('5.5 million')).toEqual(['n:5500000']);
    expect(keys('5.5 مليون جنيه')).toEqual(['n:5500000']);
    expect(keys('٥٫٥ مليون')).toEqual(['n:5500000']);
    expect(keys('$10bn')).toEqual(['n:10000000000']);
    expect(keys('10 مليارات دولار')).toEqual(['n:10000000000']);
  });
  it('reads counts with thousands separators or scale words', () => {
    expect(keys('up to 20,000 refugees')).toEqual(['n:20000']);
    expect(keys('20 ألف لاجئ')).toEqual(['n:20000']);
  });
  it('reads dates in English, Arabic, French and numeric form', () => {
    expect(keys('on 4 November')).toEqual(['d:11-04']);
    expect(keys('يوم 4 نوفمبر')).toEqual(['d:11-04']);
    expect(keys('في ٤ تشرين الثاني')).toEqual(['d:11-04']);
    expect(keys('le 4 novembre 2015')).toEqual(['d:11-04', 'y:2015']);
    expect(keys('04/11/2015')).toEqual(['d:11-04', 'y:2015']);
    expect(keys('November 4th')).toEqual(['d:11-04']);
  });
  it('ignores phone numbers and small bare numbers', () => {
    expect(keys('+44 20 7946 0418')).toEqual([]);
    expect(keys('2 questions')).toEqual([]);
  });
});

describe('URLs', () => {
  const base = 'gov.uk/government/news/some-release';
  it('canonicalises scheme, www, host case and trailing slash', () => {
    expect(canonicalizeUrl('http://www.GOV.UK/government/news/some-release/')).toBe(base);
    expect(canonicalizeUrl('https://www.gov.uk/government/news/some-release')).toBe(base);
    expect(canonicalizeUrl('gov.uk/government/news/some-release')).toBe(base);
  });
  it('strips tracking parameters and keeps the rest sorted', () => {
    expect(canonicalizeUrl(`https://${base}?utm_source=x&utm_medium=email&fbclid=1&gclid=2`)).toBe(base);
    expect(canonicalizeUrl(`https://${base}?b=2&utm_campaign=y&a=1`)).toBe(`${base}?a=1&b=2`);
  });
  it('recognises a translation suffix', () => {
    expect(splitTranslationSuffix(`${base}.ar`)).toEqual({ base, lang: 'ar' });
    expect(splitTranslationSuffix(base)).toEqual({ base, lang: null });
  });
  it('extracts URLs in <>, parentheses, quotes and after text', () => {
    const text = `see (${base}). and <https://www.${base}> or "https://www.${base}.ar?utm_source=t"`;
    expect(extractUrls(text).map((u) => u.canonical)).toEqual([base, `${base}.ar`]);
  });
  it('re-joins a URL broken across lines, in <> or by quoted-printable soft breaks', () => {
    expect(extractUrls('https://www.gov.uk/government/news/some-\nrelease today')[0]?.canonical).toBe(base);
    expect(extractUrls('<https://www.gov.uk/government/news/\n  some-release>')[0]?.canonical).toBe(base);
    expect(extractUrls('https://www.gov.uk/government/news/some-rel=\r\nease')[0]?.canonical).toBe(base);
  });
  it('does not take an email address for a URL', () => {
    expect(extractUrls('write to newsdesk@fco.gov.uk please')).toEqual([]);
  });
});
