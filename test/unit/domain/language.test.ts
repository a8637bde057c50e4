import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../server/domain/language.ts';

describe('message language', () => {
  it('recognises Arabic by its script, even with English names and links inside', () => {
    expect(detectLanguage('هل يمكنكم التعليق على خطة وزارة الصحة؟')).toBe('ar');
    expect(detectLanguage('ما موقف Ministry of Health من القرار https://gov.test/a؟')).toBe('ar');
  });

  it('tells Latin-script languages apart by their function words', () => {
    expect(detectLanguage('Could you comment on the plans for the new hospital?')).toBe('en');
    expect(detectLanguage('Pourriez-vous nous dire ce que le ministère prévoit pour les écoles ?')).toBe(
      'fr',
    );
    expect(detectLanguage('Können Sie mir bitte sagen, wann die Schule und der Hafen öffnen?')).toBe('de');
    expect(detectLanguage('¿Podría decirnos cuándo abre el puerto para los barcos?')).toBe('es');
  });

  it('says nothing when the text is too short or unclear', () => {
    expect(detectLanguage('')).toBeNull();
    expect(detectLanguage('OK')).toBeNull();
    expect(detectLanguage('Xyzzy plugh frobnitz')).toBeNull();
  });
});
