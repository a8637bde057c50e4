import { describe, expect, it } from 'vitest';
import { fillTemplate, firstNameOf } from '../../../server/domain/template.ts';

const values = {
  journalist_name: 'Rana Haddad',
  journalist_first_name: 'Rana',
  outlet: 'The Paper',
  release_title: 'Aid to the region',
  release_url: 'https://gov.test/news/aid',
  officer_name: 'Amal',
  reference: 'ND-000042',
};

describe('fillTemplate', () => {
  it('fills every known placeholder in English text', () => {
    const filled = fillTemplate(
      'Dear {journalist_first_name},\n\nThanks for asking ({outlet}). See "{release_title}": {release_url}\n\n{officer_name} ({reference})',
      values,
    );
    expect(filled).toEqual({
      text: 'Dear Rana,\n\nThanks for asking (The Paper). See "Aid to the region": https://gov.test/news/aid\n\nAmal (ND-000042)',
      missing: [],
    });
  });

  it('fills placeholders inside Arabic text and keeps the Arabic untouched', () => {
    const filled = fillTemplate(
      'عزيزي {journalist_name}، يرجى الاطلاع على البيان: {release_url}\nالمرجع: {reference}',
      {
        ...values,
        journalist_name: 'أحمد علي',
      },
    );
    expect(filled.text).toBe(
      'عزيزي أحمد علي، يرجى الاطلاع على البيان: https://gov.test/news/aid\nالمرجع: ND-000042',
    );
    expect(filled.missing).toEqual([]);
  });

  it('leaves unknown placeholders visible and reports each once, Arabic names included', () => {
    const filled = fillTemplate('{greeting} {journalist_name}, {deadline} {greeting} {الموعد}', values);
    expect(filled.text).toBe('{greeting} Rana Haddad, {deadline} {greeting} {الموعد}');
    expect(filled.missing).toEqual(['greeting', 'deadline', 'الموعد']);
  });

  it('reports a known placeholder with no value and keeps it visible', () => {
    const filled = fillTemplate('Dear {journalist_name} of {outlet}', {
      ...values,
      journalist_name: null,
      outlet: '  ',
    });
    expect(filled).toEqual({
      text: 'Dear {journalist_name} of {outlet}',
      missing: ['journalist_name', 'outlet'],
    });
  });

  it('leaves braces in ordinary text alone', () => {
    const text = 'Set {} and { spaced } and {"json": 1} and {{ and }} and {1st} and {release url} and a { b';
    expect(fillTemplate(text, values)).toEqual({ text, missing: [] });
  });

  it('fills a placeholder wrapped in doubled braces once, without special meaning', () => {
    expect(fillTemplate('{{reference}}', values).text).toBe('{ND-000042}');
  });

  it('matches placeholder names regardless of case', () => {
    expect(fillTemplate('{Reference} {OUTLET}', values)).toEqual({
      text: 'ND-000042 The Paper',
      missing: [],
    });
  });

  it('inserts values literally: no second pass, no replacement patterns', () => {
    const filled = fillTemplate('Dear {journalist_name}, see {release_url}', {
      ...values,
      journalist_name: "{release_url} $& $1 $' {officer_name}",
    });
    expect(filled.text).toBe("Dear {release_url} $& $1 $' {officer_name}, see https://gov.test/news/aid");
    expect(filled.missing).toEqual([]);
  });

  it('does not take values from the object prototype', () => {
    const filled = fillTemplate('{constructor} {toString} {__proto__}', values);
    expect(filled.text).toBe('{constructor} {toString} {__proto__}');
    expect(filled.missing).toEqual(['constructor', 'toString', '__proto__']);
  });

  it('returns a template without placeholders unchanged', () => {
    expect(fillTemplate('', values)).toEqual({ text: '', missing: [] });
    expect(fillTemplate('No comment.', {})).toEqual({ text: 'No comment.', missing: [] });
  });
});

describe('firstNameOf', () => {
  it('takes the given name', () => {
    expect(firstNameOf('Rana Haddad')).toBe('Rana');
    expect(firstNameOf('  Haddad,  Rana ')).toBe('Rana');
    expect(firstNameOf('أحمد علي')).toBe('أحمد');
    expect(firstNameOf('Cher')).toBe('Cher');
  });

  it('has none for an empty name', () => {
    expect(firstNameOf(null)).toBeNull();
    expect(firstNameOf('   ')).toBeNull();
    expect(firstNameOf(undefined)).toBeNull();
  });
});
