import { describe, expect, it } from 'vitest';
import { changeText, composerText } from '../../../web/src/components/composer/strings.ts';

describe('what changed on a thread, in the officer language', () => {
  it('names the three kinds of change in Arabic and leaves English as the server wrote it', () => {
    const ar = composerText('ar');
    const en = composerText('en');
    expect(changeText(ar, 'Rania Haddad added a note')).toBe('أضاف Rania Haddad ملاحظة');
    expect(changeText(ar, 'ليلى منصور replied')).toBe('ردّ ليلى منصور');
    expect(changeText(ar, 'new message from Sam $& Co')).toBe('رسالة جديدة من Sam $& Co');
    expect(changeText(ar, 'something newer')).toBe('something newer');
    for (const summary of ['Rania Haddad added a note', 'Admin replied', 'new message from Sam'])
      expect(changeText(en, summary)).toBe(summary);
  });
});
