const reverseTables = new Map<string, Map<string, number>>();

function reverseTable(charset: string): Map<string, number> {
  let table = reverseTables.get(charset);
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder(charset);
    for (let byte = 0; byte < 256; byte++) {
      const ch = decoder.decode(Uint8Array.of(byte));
      if (ch !== '\ufffd' && !table.has(ch)) table.set(ch, byte);
    }
    reverseTables.set(charset, table);
  }
  return table;
}

/**
 * Encodes text in a single-byte legacy charset (windows-1256, ISO-8859-6…) by inverting the
 * platform's decoder: Node ships decoders for these but no encoders. Throws on unmappable text.
 */
export function encodeSingleByte(text: string, charset: string): Buffer {
  const table = reverseTable(charset);
  const out = Buffer.alloc(text.length);
  let i = 0;
  for (const ch of text) {
    const byte = table.get(ch);
    if (byte === undefined)
      throw new Error(`"${ch}" (U+${ch.codePointAt(0)!.toString(16)}) has no ${charset} encoding`);
    out[i++] = byte;
  }
  return out.subarray(0, i);
}
