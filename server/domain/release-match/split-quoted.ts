// A deliberately small splitter of a plain-text message into the sender's own words and the rest
// (quoted history, forwarded content, signature). The fuller reply splitter lives elsewhere; this one
// only needs to be good enough to weigh new text above quoted text when matching releases.

const ATTRIBUTION = [
  /^on\b.{0,200}\bwrote:?\s*$/i, // Gmail, Apple Mail, Thunderbird
  /^le\b.{0,200}\ba [ée]crit\s*:?\s*$/i,
  /^am\b.{0,200}\bschrieb\b.{0,80}:?\s*$/i,
  /^el\b.{0,200}\bescribi[oó]\s*:?\s*$/i,
  /^il\b.{0,200}\bha scritto\s*:?\s*$/i,
  /^\u202b?في\b.{0,200}\bكتب\b.{0,120}:?\s*\u202c?$/, // Gmail in Arabic: "في …، كتب …:"
];
const SEPARATOR = [
  /^-{2,}\s*(original message|message d'origine|ursprüngliche nachricht|mensaje original|messaggio originale|الرسالة الأصلية)\s*-{2,}\s*$/i,
  /^-{2,}\s*(forwarded message|message transféré|weitergeleitete nachricht|mensaje reenviado|messaggio inoltrato|رسالة محولة|الرسالة المعاد توجيهها)\s*-{2,}\s*$/i,
  /^(begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht)\s*:\s*$/i,
  /^_{10,}\s*$/, // Outlook.com / Hotmail rule above the header block
];
const HEADER_FROM = /^\*?(from|de|von|da|van|من|از)\s*:/i;
const HEADER_NEXT =
  /^\*?(sent|date|envoyé|gesendet|inviato|enviado|to|à|an|a|subject|objet|betreff|oggetto|asunto|تاريخ الإرسال|أرسلت|التاريخ|إلى|الموضوع)\s*:/i;
const SIGNATURE = /^--\s?$/;

/** Splits a message body into the sender's new text and the quoted/forwarded/signature remainder. */
export function splitQuoted(body: string): { newText: string; quotedText: string } {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const fresh: string[] = [];
  const quoted: string[] = [];
  let rest = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (SIGNATURE.test(line) || SEPARATOR.some((re) => re.test(t))) {
      rest = i;
      break;
    }
    // An attribution line may wrap onto a second line before "wrote:".
    const two = `${t} ${lines[i + 1]?.trim() ?? ''}`;
    if (
      ATTRIBUTION.some((re) => re.test(t)) ||
      (/^(on|le|am|في)\b/i.test(t) && ATTRIBUTION.some((re) => re.test(two)))
    ) {
      rest = i;
      break;
    }
    if (HEADER_FROM.test(t)) {
      const next = lines.slice(i + 1, i + 5).map((l) => l.trim());
      if (next.some((l) => HEADER_NEXT.test(l))) {
        rest = i;
        break;
      }
    }
    if (t.startsWith('>')) {
      // A ">" block the sender writes more text after is a citation they chose (a sentence of the
      // release), so it stays theirs; a trailing ">" block is quoted history.
      const end = lines.slice(i).findIndex((l) => !l.trim().startsWith('>'));
      const after = end < 0 ? [] : lines.slice(i + end);
      const ownTextFollows = after.some((l) => l.trim() !== '' && !l.trim().startsWith('>'));
      const block = lines
        .slice(i, end < 0 ? lines.length : i + end)
        .map((l) => l.trim().replace(/^(>\s?)+/, ''));
      (ownTextFollows && !after.some((l, k) => k < 2 && ATTRIBUTION.some((re) => re.test(l.trim())))
        ? fresh
        : quoted
      ).push(...block);
      i += block.length - 1;
      continue;
    }
    fresh.push(line);
  }
  if (rest >= 0) quoted.push(...lines.slice(rest).map((l) => l.replace(/^(>\s?)+/, '')));
  return { newText: fresh.join('\n').trim(), quotedText: quoted.join('\n').trim() };
}
