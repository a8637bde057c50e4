import { describe, expect, it } from 'vitest';
import { translator } from '../../../web/src/i18n/index.ts';
import { matchReasonText } from '../../../web/src/i18n/match-reason.ts';

describe('release link reasons in the officer language', () => {
  const en = translator('en');
  const ar = translator('ar');

  it('reads staff links and the matcher reasons in Arabic', () => {
    expect(matchReasonText(ar, 'linked by Amal Haddad')).toBe('ربطه Amal Haddad');
    expect(matchReasonText(ar, 'links to the release')).toBe('يتضمن رابط البيان');
    expect(matchReasonText(ar, 'similar text: Brussels, 12 million, Mosul')).toBe(
      'نص مشابه: Brussels, 12 million, Mosul',
    );
    expect(matchReasonText(ar, 'quotes the release: "The harbour reopens…"')).toBe(
      'يقتبس البيان: «The harbour reopens…»',
    );
    expect(matchReasonText(ar, 'similar text: Mosul; 14 h after publication, as "yesterday" says')).toBe(
      'نص مشابه: Mosul؛ بعد النشر بـ14 ساعة، كما تقول عبارة «yesterday»',
    );
  });

  it('says the English as the server wrote it, and keeps anything it does not know', () => {
    for (const reason of [
      'linked by Admin',
      'similar text: Mosul; 3 days after publication, as "last week" says',
      'quotes most of the title',
    ])
      expect(matchReasonText(en, reason)).toBe(reason);
    expect(matchReasonText(ar, 'a reason from a newer server')).toBe('a reason from a newer server');
    // A name that looks like a placeholder is shown as it is, never filled.
    expect(matchReasonText(ar, 'linked by {name}')).toBe('ربطه {name}');
  });
});
