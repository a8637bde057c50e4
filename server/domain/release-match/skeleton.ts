// Consonant skeletons: a coarse, script-neutral key for proper names, so "Hammond" and "هاموند",
// "Johnson" and "جونسون", "Tishreen" and "تشرين" meet without a dictionary. Vowels, w/y (which Arabic
// writes as long vowels) and doubled letters are dropped; consonants fold into broad classes because
// transliteration varies (g/j/q/k, t/d, s/z/sh, b/p, f/v).

const LATIN_DIGRAPHS: [RegExp, string][] = [
  [/sch/g, 's'],
  [/sh/g, 's'],
  [/ch/g, 'k'],
  [/kh/g, 'k'],
  [/gh/g, 'k'],
  [/th/g, 't'],
  [/dh/g, 't'],
  [/ph/g, 'f'],
  [/ck/g, 'k'],
  [/qu/g, 'k'],
  [/x/g, 'ks'],
  [/c(?=[eiy])/g, 's'],
];
const LATIN_CLASS: Record<string, string> = {
  b: 'B',
  p: 'B',
  f: 'F',
  v: 'F',
  t: 'T',
  d: 'T',
  s: 'S',
  z: 'S',
  c: 'K',
  k: 'K',
  q: 'K',
  g: 'K',
  j: 'K',
  l: 'L',
  m: 'M',
  n: 'N',
  r: 'R',
  h: 'H',
};
const ARABIC_CLASS: Record<string, string> = {
  ب: 'B',
  پ: 'B',
  ف: 'F',
  ڤ: 'F',
  ت: 'T',
  ط: 'T',
  ث: 'T',
  د: 'T',
  ض: 'T',
  ذ: 'S',
  ظ: 'S',
  س: 'S',
  ص: 'S',
  ش: 'S',
  ز: 'S',
  ج: 'K',
  ك: 'K',
  ق: 'K',
  غ: 'K',
  خ: 'K',
  ل: 'L',
  م: 'M',
  ن: 'N',
  ر: 'R',
  ه: 'H',
  ح: 'H',
};

function collapse(s: string): string {
  // Doubled consonants and a final h (a vowel ending in both scripts: Jeddah, جده) carry no identity.
  return s.replace(/(.)\1+/g, '$1').replace(/H$/, '');
}

/** The consonant skeleton of a normalised Latin word ("hammond" → "HMNT"). */
export function latinSkeleton(word: string): string {
  let w = word.toLowerCase();
  for (const [re, to] of LATIN_DIGRAPHS) w = w.replace(re, to);
  let out = '';
  for (const ch of w) out += LATIN_CLASS[ch] ?? '';
  return collapse(out);
}

/** The consonant skeleton of a normalised Arabic-script word, article removed ("الكويت" → "KT"). */
export function arabicSkeleton(word: string): string {
  let w = word;
  if (w.length > 4 && /^(وال|بال|فال|كال)/.test(w)) w = w.slice(3);
  else if (w.length > 3 && /^(ال|لل)/.test(w)) w = w.slice(2);
  let out = '';
  for (const ch of w) out += ARABIC_CLASS[ch] ?? '';
  return collapse(out);
}
