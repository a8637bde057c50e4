import { describe, expect, it } from 'vitest';
import { ftsQuery, indexText, queryTokens, searchSnippet } from '../../../server/domain/search-text.ts';

describe('search text', () => {
  it('folds English case, accents and punctuation the same at index and query time', () => {
    expect(indexText('Café RÉOUVERTURE, du port!')).toBe('cafe reouverture du port');
    expect(queryTokens('  CAFÉ   réouverture ')).toEqual(['cafe', 'reouverture']);
    expect(queryTokens('port port PORT')).toEqual(['port']);
  });

  it('folds Arabic letter forms, harakat, tatweel and digits', () => {
    // أ إ آ → ا, ة → ه, ى → ي, harakat and tatweel dropped, Arabic-Indic digits → ASCII.
    expect(queryTokens('الإتفاقيّة')).toEqual(queryTokens('الاتفاقيه'));
    expect(queryTokens('أحمد')).toEqual(['احمد']);
    expect(queryTokens('آمال')).toEqual(queryTokens('امال'));
    expect(queryTokens('مستشفى')).toEqual(['مستشفي']);
    expect(queryTokens('الكـــويت')).toEqual(['الكويت']);
    expect(queryTokens('المُوانِئ')).toEqual(queryTokens('الموانئ'));
    expect(queryTokens('٢٠٢٦ ۱۲')).toEqual(['2026', '12']);
  });

  it('indexes Arabic words also without a written-on conjunction or preposition', () => {
    const indexed = indexText('والكويت بالاتفاقية للحكومة وأثرها').split(' ');
    expect(indexed).toEqual(
      expect.arrayContaining(['والكويت', 'الكويت', 'الاتفاقيه', 'الحكومه', 'واثرها', 'اثرها']),
    );
    // Short words that happen to start with و are left alone.
    expect(indexText('وزن')).toBe('وزن');
  });

  it('quotes every token and marks it as a prefix, so no input is read as FTS syntax', () => {
    expect(ftsQuery('harbour reop')).toBe('"harbour"* "reop"*');
    expect(ftsQuery('NEAR(a b) OR "x" col:y *')).toBe('"near"* "a"* "b"* "or"* "x"* "col"* "y"*');
    expect(ftsQuery('  "" ** ()')).toBeNull();
    expect(ftsQuery('')).toBeNull();
    // Bounded: a pasted paragraph does not become a hundred-term query.
    expect(ftsQuery(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '))!.split(' ')).toHaveLength(12);
  });

  it('cuts a snippet around the first matching word, comparing folded forms', () => {
    const text = `${'Opening words. '.repeat(20)}The Ministry's statement on الإتفاقيّة was late. ${'Closing. '.repeat(20)}`;
    const arabic = searchSnippet(text, queryTokens('الاتفاقيه'));
    expect(arabic).toContain('الإتفاقيّة');
    expect(arabic.startsWith('…')).toBe(true);
    expect(arabic.endsWith('…')).toBe(true);
    expect(searchSnippet(text, queryTokens('minist'))).toContain("Ministry's");
    expect(searchSnippet('وأثرها على الموانئ', queryTokens('اثر'))).toBe('وأثرها على الموانئ');
    expect(searchSnippet('Short text', queryTokens('absent'))).toBe('Short text');
  });
});
