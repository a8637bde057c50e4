/**
 * TNEF (application/ms-tnef, "winmail.dat") decoder, written from the public format description
 * [MS-OXTNEF] and, for the compressed RTF body, [MS-OXRTFCP].
 *
 * Outlook and Exchange wrap a message's attachments (and often its only readable body) in this
 * binary container; without unpacking it a journalist's attachment is invisible. The input comes
 * from strangers, so every length is checked against the bytes that are actually there: nothing is
 * allocated from a declared size, and a malformed stream yields what was decoded before the damage
 * (with `complete: false`) instead of throwing.
 */

export interface TnefFile {
  filename: string;
  content: Buffer;
  contentType?: string;
  /** PR_ATTACH_CONTENT_ID, for `cid:` references from the HTML body. */
  contentId?: string;
}

export interface TnefBody {
  text?: string;
  html?: string;
  /** PR_RTF_COMPRESSED as stored; `decompressRtf` turns it into RTF. */
  rtfCompressed?: Buffer;
}

export interface TnefResult {
  files: TnefFile[];
  body?: TnefBody;
  /** False when the stream was damaged or cut short, so the caller should keep the original too. */
  complete: boolean;
  /** What was skipped or looked wrong, for logs; never needed to use the result. */
  warnings: string[];
}

const TNEF_SIGNATURE = 0x223e9f78;
const LEVEL_MESSAGE = 1;
const LEVEL_ATTACHMENT = 2;

// Attribute ids ([MS-OXTNEF] 2.1.3.3), low 16 bits; the high 16 bits only repeat the data type.
const ATT_BODY = 0x800c;
const ATT_ATTACH_DATA = 0x800f;
const ATT_ATTACH_TITLE = 0x8010;
const ATT_ATTACH_TRANSPORT_FILENAME = 0x9001;
const ATT_ATTACH_REND_DATA = 0x9002;
const ATT_MSG_PROPS = 0x9003;
const ATT_ATTACHMENT = 0x9005;
const ATT_OEM_CODEPAGE = 0x9007;

// MAPI property ids ([MS-OXPROPS]).
const PR_BODY = 0x1000;
const PR_RTF_COMPRESSED = 0x1009;
const PR_BODY_HTML = 0x1013;
const PR_DISPLAY_NAME = 0x3001;
const PR_ATTACH_DATA = 0x3701; // PT_BINARY (by value) or PT_OBJECT (embedded message, OLE)
const PR_ATTACH_FILENAME = 0x3704;
const PR_ATTACH_METHOD = 0x3705;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_MIME_TAG = 0x370e;
const PR_ATTACH_CONTENT_ID = 0x3712;
const PR_INTERNET_CPID = 0x3fde;

const ATTACH_EMBEDDED_MSG = 5;

// MAPI property types.
const PT_MV_FLAG = 0x1000;
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_OBJECT = 0x000d;
const FIXED_SIZES = new Map<number, number>([
  [0x0001, 0], // PT_NULL
  [0x0002, 4], // PT_SHORT, padded to 4
  [0x0003, 4], // PT_LONG
  [0x0004, 4], // PT_FLOAT
  [0x0005, 8], // PT_DOUBLE
  [0x0006, 8], // PT_CURRENCY
  [0x0007, 8], // PT_APPTIME
  [0x000a, 4], // PT_ERROR
  [0x000b, 4], // PT_BOOLEAN, padded to 4
  [0x0014, 8], // PT_I8
  [0x0040, 8], // PT_SYSTIME
  [0x0048, 16], // PT_CLSID
]);

// Embedded messages carry a whole TNEF stream each; a small cap stops a nesting bomb.
const MAX_EMBED_DEPTH = 4;

interface MapiProp {
  id: number;
  type: number;
  values: Buffer[];
}

interface AttachmentState {
  title?: string;
  transportFilename?: string;
  data?: Buffer;
  props: MapiProp[];
}

/** Whether a buffer starts with the TNEF signature. */
export function looksLikeTnef(data: Buffer): boolean {
  return data.length >= 6 && data.readUInt32LE(0) === TNEF_SIGNATURE;
}

/** Whether a MIME attachment is a TNEF container, by type, name or (as a last resort) signature. */
export function isTnefAttachment(attachment: {
  filename: string | null;
  contentType: string;
  content: Buffer;
}): boolean {
  const type = attachment.contentType.toLowerCase();
  return (
    type === 'application/ms-tnef' ||
    type === 'application/vnd.ms-tnef' ||
    /^winmail\.dat$/i.test(attachment.filename ?? '') ||
    looksLikeTnef(attachment.content)
  );
}

/** Unpacks a TNEF stream. Never throws; see `TnefResult.complete` for damaged input. */
export function extractTnef(data: Buffer): TnefResult {
  return decode(data, 0);
}

function decode(data: Buffer, depth: number): TnefResult {
  const warnings: string[] = [];
  const result: TnefResult = { files: [], complete: true, warnings };
  if (!looksLikeTnef(data)) {
    warnings.push('not a TNEF stream (signature missing)');
    result.complete = false;
    return result;
  }

  let codepage = 1252;
  let messageProps: MapiProp[] = [];
  let bodyText: string | undefined;
  const attachments: AttachmentState[] = [];
  let current: AttachmentState | null = null;

  let pos = 6; // signature (4) + legacy key (2)
  while (pos < data.length) {
    // level (1) + id (4) + length (4), then data, then a 2-byte checksum.
    if (pos + 9 > data.length) {
      // Too short to hold an attribute, so nothing can be missing: note it and finish.
      warnings.push(`${data.length - pos} trailing byte(s) after the last attribute`);
      break;
    }
    const level = data[pos]!;
    const id = data.readUInt32LE(pos + 1) & 0xffff;
    const length = data.readUInt32LE(pos + 5);
    const start = pos + 9;
    if (length > data.length - start) {
      warnings.push(
        `attribute 0x${id.toString(16)} declares ${length} bytes, only ${data.length - start} left`,
      );
      result.complete = false;
      break;
    }
    const value = data.subarray(start, start + length);
    pos = start + length;
    if (pos + 2 <= data.length) {
      if (data.readUInt16LE(pos) !== checksum(value))
        warnings.push(`bad checksum on attribute 0x${id.toString(16)}`);
      pos += 2;
    } else {
      warnings.push('stream ends before the last checksum');
      result.complete = false;
      pos = data.length;
    }

    if (level === LEVEL_MESSAGE) {
      if (id === ATT_OEM_CODEPAGE && value.length >= 4) codepage = value.readUInt32LE(0);
      else if (id === ATT_BODY) bodyText = decodeString8(value, codepage);
      else if (id === ATT_MSG_PROPS) {
        const parsed = readProps(value);
        if (!parsed.complete) {
          warnings.push('message properties cut short');
          result.complete = false;
        }
        messageProps = messageProps.concat(parsed.props);
      }
    } else if (level === LEVEL_ATTACHMENT) {
      // attAttachRendData opens a new attachment; anything else before it opens one implicitly.
      if (id === ATT_ATTACH_REND_DATA || !current) {
        current = { props: [] };
        attachments.push(current);
      }
      if (id === ATT_ATTACH_DATA) current.data = value;
      else if (id === ATT_ATTACH_TITLE) current.title = decodeString8(value, codepage);
      else if (id === ATT_ATTACH_TRANSPORT_FILENAME)
        current.transportFilename = decodeString8(value, codepage);
      else if (id === ATT_ATTACHMENT) {
        const parsed = readProps(value);
        if (!parsed.complete) {
          warnings.push('attachment properties cut short');
          result.complete = false;
        }
        current.props = current.props.concat(parsed.props);
      }
    } else {
      warnings.push(`unknown attribute level ${level}`);
    }
  }

  attachments.forEach((attachment, index) => {
    const { files, complete } = attachmentFiles(attachment, index, codepage, depth, warnings);
    result.files.push(...files);
    if (!complete) result.complete = false;
  });

  const body = messageBody(messageProps, bodyText, codepage);
  if (body) result.body = body;
  return result;
}

/** Sum of the bytes modulo 65536 ([MS-OXTNEF] 2.1.3.2). */
function checksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]!) & 0xffff;
  return sum;
}

/** The files one attachment yields; `complete` is false when some of it could not be read. */
function attachmentFiles(
  attachment: AttachmentState,
  index: number,
  codepage: number,
  depth: number,
  warnings: string[],
): { files: TnefFile[]; complete: boolean } {
  const props = attachment.props;
  const method = intProp(props, PR_ATTACH_METHOD);
  const dataProp = findProp(props, PR_ATTACH_DATA);
  const displayName = cleanFilename(stringProp(props, PR_DISPLAY_NAME, codepage));
  // Long names first; the 8.3 attAttachTitle only when nothing better is there.
  const name = [
    stringProp(props, PR_ATTACH_LONG_FILENAME, codepage),
    attachment.transportFilename,
    stringProp(props, PR_ATTACH_FILENAME, codepage),
    attachment.title,
  ]
    .map(cleanFilename)
    .find((n) => n !== undefined);

  // An attached Outlook item (method 5): its data is a TNEF stream of its own, after the IID.
  const inner = dataProp ? objectData(dataProp) : attachment.data;
  if (inner && (method === ATTACH_EMBEDDED_MSG || dataProp?.type === PT_OBJECT) && looksLikeTnef(inner)) {
    if (depth >= MAX_EMBED_DEPTH) {
      warnings.push(`embedded message nested deeper than ${MAX_EMBED_DEPTH}; skipped`);
      return { files: [], complete: false };
    }
    const nested = decode(inner, depth + 1);
    warnings.push(...nested.warnings.map((w) => `embedded message: ${w}`));
    const files = [...nested.files];
    // An attached item's display name is its subject, which says more than "RE_QUE~1.MSG".
    const bodyFile = embeddedBodyFile(nested.body, displayName ?? name ?? `embedded-message-${index + 1}`);
    if (bodyFile) files.unshift(bodyFile);
    return { files, complete: nested.complete };
  }

  let content = attachment.data;
  if (!content && dataProp) content = dataProp.type === PT_OBJECT ? objectData(dataProp) : dataProp.values[0];
  if (!content) {
    warnings.push(`attachment ${index + 1} has no data; skipped`);
    return { files: [], complete: true };
  }
  const file: TnefFile = {
    filename: name ?? displayName ?? `attachment-${index + 1}.dat`,
    content: Buffer.from(content), // a copy, so the result does not pin the whole message
  };
  const mimeTag = stringProp(props, PR_ATTACH_MIME_TAG, codepage)?.trim().toLowerCase();
  if (mimeTag && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mimeTag)) file.contentType = mimeTag;
  const contentId = stringProp(props, PR_ATTACH_CONTENT_ID, codepage)?.trim();
  if (contentId) file.contentId = contentId.replace(/^<|>$/g, '');
  return { files: [file], complete: true };
}

function embeddedBodyFile(body: TnefBody | undefined, base: string): TnefFile | null {
  const stem = base.replace(/\.(msg|eml)$/i, '');
  if (body?.html)
    return { filename: `${stem}.html`, content: Buffer.from(body.html), contentType: 'text/html' };
  if (body?.text)
    return { filename: `${stem}.txt`, content: Buffer.from(body.text), contentType: 'text/plain' };
  const rtf = body?.rtfCompressed ? decompressRtf(body.rtfCompressed) : null;
  if (rtf) return { filename: `${stem}.rtf`, content: rtf, contentType: 'application/rtf' };
  return null;
}

function messageBody(props: MapiProp[], attBody: string | undefined, codepage: number): TnefBody | undefined {
  const body: TnefBody = {};
  const text = stringProp(props, PR_BODY, codepage) ?? attBody;
  if (text?.trim()) body.text = text;
  const htmlProp = findProp(props, PR_BODY_HTML);
  const htmlValue = htmlProp?.values[0];
  if (htmlProp && htmlValue) {
    const html =
      htmlProp.type === PT_BINARY
        ? decodeHtmlBytes(htmlValue, intProp(props, PR_INTERNET_CPID))
        : decodePropString(htmlProp.type, htmlValue, codepage);
    if (html.trim()) body.html = html;
  }
  const rtf = findProp(props, PR_RTF_COMPRESSED)?.values[0];
  if (rtf?.length) body.rtfCompressed = Buffer.from(rtf);
  return body.text || body.html || body.rtfCompressed ? body : undefined;
}

/**
 * Reads a MAPI property list ([MS-OXTNEF] 2.1.3.4). Stops, keeping what it has, at the first
 * property whose size runs past the end or whose type it cannot size.
 */
function readProps(buf: Buffer): { props: MapiProp[]; complete: boolean } {
  const props: MapiProp[] = [];
  if (buf.length < 4) return { props, complete: buf.length === 0 };
  const declared = buf.readUInt32LE(0);
  let pos = 4;
  for (let n = 0; n < declared; n++) {
    if (pos + 4 > buf.length) return { props, complete: false };
    const type = buf.readUInt16LE(pos);
    const id = buf.readUInt16LE(pos + 2);
    pos += 4;
    if (id >= 0x8000) {
      // Named property: GUID, kind, then a numeric id or a UTF-16 name (padded to 4).
      if (pos + 20 > buf.length) return { props, complete: false };
      const kind = buf.readUInt32LE(pos + 16);
      pos += 20;
      if (kind === 0) pos += 4;
      else {
        if (pos + 4 > buf.length) return { props, complete: false };
        const nameLength = buf.readUInt32LE(pos);
        if (nameLength > buf.length - pos - 4) return { props, complete: false };
        pos += 4 + pad4(nameLength);
      }
      if (pos > buf.length) return { props, complete: false };
    }
    const base = type & ~PT_MV_FLAG;
    const multi = (type & PT_MV_FLAG) !== 0;
    const fixed = FIXED_SIZES.get(base);
    const variable = base === PT_STRING8 || base === PT_UNICODE || base === PT_BINARY || base === PT_OBJECT;
    if (fixed === undefined && !variable) return { props, complete: false };

    let count = 1;
    if (multi || variable) {
      if (pos + 4 > buf.length) return { props, complete: false };
      count = buf.readUInt32LE(pos);
      pos += 4;
      // Each value needs at least 4 bytes (its length, or the value itself): a larger count is a lie.
      if (count > (buf.length - pos) / Math.max(4, fixed ?? 4)) return { props, complete: false };
    }
    const values: Buffer[] = [];
    for (let v = 0; v < count; v++) {
      if (fixed !== undefined) {
        if (pos + fixed > buf.length) return { props, complete: false };
        values.push(buf.subarray(pos, pos + fixed));
        pos += fixed;
      } else {
        if (pos + 4 > buf.length) return { props, complete: false };
        const length = buf.readUInt32LE(pos);
        pos += 4;
        if (length > buf.length - pos) return { props, complete: false };
        values.push(buf.subarray(pos, pos + length));
        pos += pad4(length);
      }
    }
    props.push({ id, type, values });
  }
  return { props, complete: true };
}

function pad4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

function findProp(props: MapiProp[], id: number): MapiProp | undefined {
  return props.find((p) => p.id === id && p.values.length > 0);
}

function intProp(props: MapiProp[], id: number): number | undefined {
  const value = findProp(props, id)?.values[0];
  return value && value.length >= 4 ? value.readInt32LE(0) : undefined;
}

function stringProp(props: MapiProp[], id: number, codepage: number): string | undefined {
  const prop = findProp(props, id);
  const value = prop?.values[0];
  if (!prop || !value) return undefined;
  const base = prop.type & ~PT_MV_FLAG;
  if (base !== PT_STRING8 && base !== PT_UNICODE) return undefined;
  return decodePropString(base, value, codepage);
}

/** PT_OBJECT data minus the 16-byte interface id that precedes it. */
function objectData(prop: MapiProp): Buffer {
  const value = prop.values[0] ?? Buffer.alloc(0);
  return prop.type === PT_OBJECT ? value.subarray(Math.min(16, value.length)) : value;
}

function decodePropString(type: number, value: Buffer, codepage: number): string {
  if ((type & ~PT_MV_FLAG) === PT_UNICODE)
    return stripNul(value.subarray(0, value.length & ~1).toString('utf16le'));
  return decodeString8(value, codepage);
}

/** An 8-bit string in the stream's OEM code page, cut at the first NUL. */
function decodeString8(value: Buffer, codepage: number): string {
  const end = value.indexOf(0);
  return decodeWith(
    value.subarray(0, end === -1 ? value.length : end),
    codepageLabel(codepage) ?? 'windows-1252',
  );
}

function stripNul(text: string): string {
  const end = text.indexOf('\0');
  return end === -1 ? text : text.slice(0, end);
}

// windows-1252 at 0x80-0x9F. Node 20.18.3+ decodes these bytes as C1 controls
// (nodejs/node#56542, #60888), so 1252 and its aliases are decoded here instead.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWith(bytes: Buffer, label: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('windows-1252');
  }
  if (decoder.encoding !== 'windows-1252') return decoder.decode(bytes);
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/** HTML bodies are bytes: PR_INTERNET_CPID, else a <meta> charset, else UTF-8 if valid, else 1252. */
function decodeHtmlBytes(bytes: Buffer, cpid: number | undefined): string {
  const trimmed = bytes.subarray(0, bytes.indexOf(0) === -1 ? bytes.length : bytes.indexOf(0));
  const fromCpid = cpid === undefined ? undefined : codepageLabel(cpid);
  const head = trimmed.subarray(0, 2048).toString('latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  for (const label of [fromCpid, meta]) {
    if (label && isKnownLabel(label)) return decodeWith(trimmed, label);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(trimmed);
  } catch {
    return decodeWith(trimmed, 'windows-1252');
  }
}

function isKnownLabel(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Windows code page number to a WHATWG encoding label. */
function codepageLabel(codepage: number): string | undefined {
  if (codepage >= 1250 && codepage <= 1258) return `windows-${codepage}`;
  if (codepage >= 28591 && codepage <= 28606) return `iso-8859-${codepage - 28590}`;
  const known: Record<number, string> = {
    437: 'ibm866', // no DOS-US decoder in WHATWG; 866 keeps ASCII intact
    866: 'ibm866',
    874: 'windows-874',
    932: 'shift_jis',
    936: 'gbk',
    949: 'euc-kr',
    950: 'big5',
    1200: 'utf-16le',
    1201: 'utf-16be',
    20127: 'us-ascii',
    20866: 'koi8-r',
    21866: 'koi8-u',
    50220: 'iso-2022-jp',
    51932: 'euc-jp',
    54936: 'gb18030',
    65001: 'utf-8',
  };
  return known[codepage];
}

/** A safe display name: no directories, no control characters; undefined when nothing is left. */
function cleanFilename(name: string | undefined): string | undefined {
  if (!name) return undefined;
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base && base !== '.' && base !== '..' ? base : undefined;
}

// [MS-OXRTFCP] 2.1.2.1: the dictionary starts out holding this text.
const RTF_PREBUF =
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript ' +
  '\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par ' +
  '\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx';
const COMPRESSED = 0x75465a4c; // "LZFu"
const UNCOMPRESSED = 0x414c454d; // "MELA"

let crcTable: Uint32Array | null = null;

/** The CRC-32 variant of [MS-OXRTFCP] 2.1.3.2 (initial value 0, no final inversion). */
export function rtfCrc(bytes: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = (crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return crc;
}

/**
 * Decompresses PR_RTF_COMPRESSED into RTF. Returns null for anything that is not a valid stream;
 * the output never exceeds the declared raw size, nor what the input could possibly expand to.
 */
export function decompressRtf(data: Buffer): Buffer | null {
  if (data.length < 16) return null;
  const compSize = data.readUInt32LE(0);
  const rawSize = data.readUInt32LE(4);
  const compType = data.readUInt32LE(8);
  const crc = data.readUInt32LE(12);
  const end = Math.min(data.length, compSize + 4);
  const input = data.subarray(16, Math.max(16, end));
  if (compType === UNCOMPRESSED) return Buffer.from(input.subarray(0, Math.min(rawSize, input.length)));
  if (compType !== COMPRESSED || rtfCrc(input) !== crc) return null;

  // Each control byte covers 8 tokens of at most 2 bytes expanding to at most 17 bytes.
  const cap = Math.min(rawSize, Math.ceil(input.length / 17) * 8 * 17 + 17);
  const out = Buffer.alloc(cap);
  const dict = Buffer.alloc(4096);
  dict.write(RTF_PREBUF, 'latin1');
  let write = RTF_PREBUF.length;
  let outPos = 0;
  let pos = 0;
  while (pos < input.length && outPos < cap) {
    const control = input[pos++]!;
    for (let bit = 0; bit < 8 && outPos < cap; bit++) {
      if ((control & (1 << bit)) === 0) {
        if (pos >= input.length) return out.subarray(0, outPos);
        const byte = input[pos++]!;
        out[outPos++] = byte;
        dict[write] = byte;
        write = (write + 1) & 0xfff;
      } else {
        if (pos + 2 > input.length) return out.subarray(0, outPos);
        const token = (input[pos]! << 8) | input[pos + 1]!;
        pos += 2;
        let offset = token >> 4;
        const length = (token & 0xf) + 2;
        if (offset === write) return out.subarray(0, outPos); // end-of-stream marker
        for (let i = 0; i < length && outPos < cap; i++) {
          const byte = dict[offset]!;
          offset = (offset + 1) & 0xfff;
          out[outPos++] = byte;
          dict[write] = byte;
          write = (write + 1) & 0xfff;
        }
      }
    }
  }
  return out.subarray(0, outPos);
}
