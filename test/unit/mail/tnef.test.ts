import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decompressRtf,
  extractTnef,
  isTnefAttachment,
  rtfCrc,
  type TnefResult,
} from '../../../server/mail/tnef.ts';
import { encodeSingleByte } from '../../../server/mail/legacy-charset.ts';
import { corporaDir, corpusAvailable } from '../../support/corpus-mail.ts';

// ---- A tiny TNEF encoder ([MS-OXTNEF]), just enough to build the cases below. ----

const ATT = {
  tnefVersion: 0x00089006,
  oemCodepage: 0x00069007,
  messageClass: 0x00078008,
  subject: 0x00018004,
  body: 0x0002800c,
  msgProps: 0x00069003,
  rendData: 0x00069002,
  attachData: 0x0006800f,
  attachTitle: 0x00018010,
  transportFilename: 0x00069001,
  attachment: 0x00069005,
};
const PT = { long: 0x0003, string8: 0x001e, unicode: 0x001f, binary: 0x0102, object: 0x000d, mv: 0x1000 };
const PR = {
  body: 0x1000,
  rtfCompressed: 0x1009,
  bodyHtml: 0x1013,
  displayName: 0x3001,
  attachData: 0x3701,
  attachFilename: 0x3704,
  attachMethod: 0x3705,
  longFilename: 0x3707,
  mimeTag: 0x370e,
  contentId: 0x3712,
  internetCpid: 0x3fde,
};
const IID_IMESSAGE = Buffer.from('0703020000000000c000000000000046', 'hex');

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n & 0xffff);
  return b;
}
function pad(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
}
function sum16(b: Buffer): number {
  return b.reduce((s, x) => (s + x) & 0xffff, 0);
}

interface Attr {
  level: 1 | 2;
  id: number;
  data: Buffer;
  /** Overrides the length field, to lie about the size. */
  declaredLength?: number;
  badChecksum?: boolean;
}

function attr(level: 1 | 2, id: number, data: Buffer | string): Attr {
  return { level, id, data: typeof data === 'string' ? Buffer.from(data + '\0', 'latin1') : data };
}

function tnef(attrs: Attr[]): Buffer {
  const parts = [u32(0x223e9f78), u16(0x1234)];
  for (const a of attrs) {
    parts.push(Buffer.from([a.level]), u32(a.id), u32(a.declaredLength ?? a.data.length), a.data);
    parts.push(u16(sum16(a.data) + (a.badChecksum ? 1 : 0)));
  }
  return Buffer.concat(parts);
}

type PropValue =
  | { kind: 'long'; value: number }
  | { kind: 'string8'; value: Buffer | string }
  | { kind: 'unicode'; value: string }
  | { kind: 'binary'; value: Buffer }
  | { kind: 'object'; value: Buffer }
  | { kind: 'mvString8'; value: string[] };

interface Prop {
  id: number;
  v: PropValue;
  /** Named property (id >= 0x8000) with a numeric LID. */
  lid?: number;
}

function props(list: Prop[], declaredCount = list.length): Buffer {
  const parts = [u32(declaredCount)];
  for (const p of list) {
    const type = {
      long: PT.long,
      string8: PT.string8,
      unicode: PT.unicode,
      binary: PT.binary,
      object: PT.object,
      mvString8: PT.string8 | PT.mv,
    }[p.v.kind];
    parts.push(u16(type), u16(p.id));
    if (p.lid !== undefined) parts.push(Buffer.alloc(16, 0x11), u32(0), u32(p.lid));
    const variable = (b: Buffer) => [u32(b.length), pad(b)];
    switch (p.v.kind) {
      case 'long':
        parts.push(u32(p.v.value));
        break;
      case 'string8': {
        const bytes = typeof p.v.value === 'string' ? Buffer.from(p.v.value, 'latin1') : p.v.value;
        parts.push(u32(1), ...variable(Buffer.concat([bytes, Buffer.from([0])])));
        break;
      }
      case 'unicode':
        parts.push(u32(1), ...variable(Buffer.from(p.v.value + '\0', 'utf16le')));
        break;
      case 'binary':
        parts.push(u32(1), ...variable(p.v.value));
        break;
      case 'object':
        parts.push(u32(1), ...variable(Buffer.concat([IID_IMESSAGE, p.v.value])));
        break;
      case 'mvString8':
        parts.push(u32(p.v.value.length));
        for (const s of p.v.value) parts.push(...variable(Buffer.from(s + '\0', 'latin1')));
        break;
    }
  }
  return Buffer.concat(parts);
}

/** A literal-only LZFu stream: valid [MS-OXRTFCP] output any reader must accept. */
function compressRtfLiterals(rtf: string): Buffer {
  const input = Buffer.from(rtf, 'latin1');
  const body: number[] = [];
  let i = 0;
  let write = 207; // length of the preset dictionary text
  for (;;) {
    const chunk = input.subarray(i, i + 8);
    i += chunk.length;
    if (chunk.length === 8) {
      body.push(0x00, ...chunk);
      write = (write + 8) & 0xfff;
      continue;
    }
    // Last run: the literals, then a reference to the write position, which means "end".
    const control = 1 << chunk.length;
    write = (write + chunk.length) & 0xfff;
    body.push(control, ...chunk, (write >> 4) & 0xff, (write << 4) & 0xf0);
    break;
  }
  const data = Buffer.from(body);
  return Buffer.concat([u32(data.length + 12), u32(input.length), u32(0x75465a4c), u32(rtfCrc(data)), data]);
}

function header(): Attr[] {
  return [
    attr(1, ATT.tnefVersion, u32(0x00010000)),
    attr(1, ATT.oemCodepage, Buffer.concat([u32(1252), u32(0)])),
  ];
}

function attachment(opts: { title?: string; data?: Buffer; props?: Prop[]; transport?: string }): Attr[] {
  const out = [attr(2, ATT.rendData, Buffer.alloc(14))];
  if (opts.title !== undefined) out.push(attr(2, ATT.attachTitle, opts.title));
  if (opts.transport !== undefined) out.push(attr(2, ATT.transportFilename, opts.transport));
  if (opts.data) out.push(attr(2, ATT.attachData, opts.data));
  if (opts.props) out.push(attr(2, ATT.attachment, props(opts.props)));
  return out;
}

function names(result: TnefResult): string[] {
  return result.files.map((f) => f.filename);
}

/** Deterministic PRNG so fuzz failures are reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('extractTnef: hand-built streams', () => {
  it('extracts one attachment named by its 8.3 title when nothing better is there', () => {
    const result = extractTnef(
      tnef([...header(), ...attachment({ title: 'REPORT~1.PDF', data: Buffer.from('%PDF') })]),
    );
    expect(result.complete).toBe(true);
    expect(result.files).toEqual([{ filename: 'REPORT~1.PDF', content: Buffer.from('%PDF') }]);
    expect(result.body).toBeUndefined();
  });

  it('prefers PR_ATTACH_LONG_FILENAME, then attAttachTransportFilename, over the 8.3 title', () => {
    const data = Buffer.from('x');
    const result = extractTnef(
      tnef([
        ...header(),
        ...attachment({
          title: 'PRESSR~1.DOC',
          data,
          props: [
            {
              id: PR.longFilename,
              // 0x96 is an en dash in windows-1252, the stream's code page.
              v: { kind: 'string8', value: Buffer.from('Press release \x96 final.doc', 'latin1') },
            },
          ],
        }),
        ...attachment({
          title: 'STATEM~1.PDF',
          data,
          props: [{ id: PR.longFilename, v: { kind: 'unicode', value: 'Déclaration officielle 2026.pdf' } }],
        }),
        ...attachment({ title: 'BRIEFI~1.TXT', transport: 'Briefing notes.txt', data }),
        ...attachment({
          title: 'PHOTO~1.JPG',
          data,
          props: [
            { id: PR.displayName, v: { kind: 'string8', value: 'A display name' } },
            { id: PR.attachFilename, v: { kind: 'string8', value: 'PHOTO.JPG' } },
          ],
        }),
      ]),
    );
    expect(names(result)).toEqual([
      'Press release – final.doc',
      'Déclaration officielle 2026.pdf',
      'Briefing notes.txt',
      'PHOTO.JPG',
    ]);
  });

  it('decodes 8-bit names in the stream code page (windows-1256 Arabic)', () => {
    const arabic = 'بيان صحفي.docx';
    const result = extractTnef(
      tnef([
        attr(1, ATT.oemCodepage, Buffer.concat([u32(1256), u32(0)])),
        attr(2, ATT.rendData, Buffer.alloc(14)),
        attr(2, ATT.attachTitle, Buffer.concat([encodeSingleByte(arabic, 'windows-1256'), Buffer.from([0])])),
        attr(2, ATT.attachData, Buffer.from('x')),
      ]),
    );
    expect(names(result)).toEqual([arabic]);
  });

  it('handles data before the name, empty attachments and implicit attachment starts', () => {
    const result = extractTnef(
      tnef([
        ...header(),
        attr(2, ATT.rendData, Buffer.alloc(14)),
        attr(2, ATT.attachData, Buffer.alloc(0)),
        attr(2, ATT.attachTitle, 'EMPTY.TXT'),
        attr(2, ATT.rendData, Buffer.alloc(14)),
        attr(2, ATT.attachData, Buffer.from('second')),
        attr(2, ATT.attachTitle, 'SECOND.TXT'),
      ]),
    );
    expect(result.files.map((f) => [f.filename, f.content.toString()])).toEqual([
      ['EMPTY.TXT', ''],
      ['SECOND.TXT', 'second'],
    ]);
    // No attAttachRendData at all: the first attachment attribute opens one.
    const implicit = extractTnef(
      tnef([attr(2, ATT.attachTitle, 'A.TXT'), attr(2, ATT.attachData, Buffer.from('a'))]),
    );
    expect(names(implicit)).toEqual(['A.TXT']);
  });

  it('takes the MIME type and Content-ID from MAPI properties, and data from PR_ATTACH_DATA_BIN', () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const result = extractTnef(
      tnef([
        ...header(),
        ...attachment({
          props: [
            { id: PR.attachMethod, v: { kind: 'long', value: 1 } },
            { id: 0x8005, lid: 0x8552, v: { kind: 'long', value: 7 } }, // a named property to skip over
            { id: PR.longFilename, v: { kind: 'unicode', value: 'logo.png' } },
            { id: PR.mimeTag, v: { kind: 'string8', value: 'Image/PNG' } },
            { id: PR.contentId, v: { kind: 'string8', value: '<logo@01D>' } },
            { id: 0x3a00, v: { kind: 'mvString8', value: ['a', 'bb', 'ccc'] } }, // multi-valued, skipped
            { id: PR.attachData, v: { kind: 'binary', value: png } },
          ],
        }),
      ]),
    );
    expect(result.files).toEqual([
      { filename: 'logo.png', content: png, contentType: 'image/png', contentId: 'logo@01D' },
    ]);
  });

  it('strips directories and control characters from names, and falls back when nothing is left', () => {
    const result = extractTnef(
      tnef([
        ...header(),
        ...attachment({ title: '..\\..\\Windows\\evil.exe', data: Buffer.from('x') }),
        ...attachment({ transport: 'a\u0001b/../c\u0007.txt', data: Buffer.from('x') }),
        ...attachment({ title: '..', data: Buffer.from('x') }),
        ...attachment({
          title: 'GOOD.TXT',
          data: Buffer.from('x'),
          props: [{ id: PR.longFilename, v: { kind: 'string8', value: 'C:\\temp\\' } }],
        }),
      ]),
    );
    // A long name with nothing left after cleaning gives way to the next candidate.
    expect(names(result)).toEqual(['evil.exe', 'c.txt', 'attachment-3.dat', 'GOOD.TXT']);
  });

  it('returns the message body: attBody text, PR_BODY_HTML bytes, PR_RTF_COMPRESSED', () => {
    const rtf = '{\\rtf1\\ansi Hello from Outlook\\par }';
    const compressed = compressRtfLiterals(rtf);
    const html = '<p>Déclaration</p>';
    const result = extractTnef(
      tnef([
        ...header(),
        attr(1, ATT.body, Buffer.from('Caf\xe9 au lait\r\n\0', 'latin1')),
        attr(
          1,
          ATT.msgProps,
          props([
            { id: PR.internetCpid, v: { kind: 'long', value: 65001 } },
            { id: PR.bodyHtml, v: { kind: 'binary', value: Buffer.from(html, 'utf8') } },
            { id: PR.rtfCompressed, v: { kind: 'binary', value: compressed } },
          ]),
        ),
      ]),
    );
    expect(result.body?.text).toBe('Café au lait\r\n');
    expect(result.body?.html).toBe(html);
    expect(result.body?.rtfCompressed).toEqual(compressed);
    expect(decompressRtf(result.body!.rtfCompressed!)?.toString('latin1')).toBe(rtf);
    // PR_BODY (UTF-16) wins over the 8-bit attBody.
    const unicode = extractTnef(
      tnef([
        attr(1, ATT.body, 'old'),
        attr(1, ATT.msgProps, props([{ id: PR.body, v: { kind: 'unicode', value: 'مرحبا' } }])),
      ]),
    );
    expect(unicode.body).toEqual({ text: 'مرحبا' });
  });

  it('unpacks an embedded message (attach method 5) into its files and body', () => {
    const inner = tnef([
      ...header(),
      attr(1, ATT.msgProps, props([{ id: PR.body, v: { kind: 'string8', value: 'Forwarded text' } }])),
      ...attachment({ title: 'INNER.TXT', data: Buffer.from('inner') }),
    ]);
    const result = extractTnef(
      tnef([
        ...header(),
        ...attachment({
          title: 'RE_QUE~1.MSG',
          props: [
            { id: PR.attachMethod, v: { kind: 'long', value: 5 } },
            { id: PR.displayName, v: { kind: 'string8', value: 'RE: Question' } },
            { id: PR.attachData, v: { kind: 'object', value: inner } },
          ],
        }),
        ...attachment({ title: 'OUTER.TXT', data: Buffer.from('outer') }),
      ]),
    );
    expect(result.complete).toBe(true);
    expect(result.files.map((f) => [f.filename, f.content.toString()])).toEqual([
      ['RE: Question.txt', 'Forwarded text'],
      ['INNER.TXT', 'inner'],
      ['OUTER.TXT', 'outer'],
    ]);
  });

  it('keeps what a damaged embedded message yields, and reports the stream incomplete', () => {
    const inner = tnef([
      ...attachment({ title: 'FIRST.TXT', data: Buffer.from('first') }),
      ...attachment({ title: 'SECOND.TXT', data: Buffer.from('second') }),
    ]);
    const cut = inner.subarray(0, inner.length - 5);
    const result = extractTnef(
      tnef([
        ...attachment({
          props: [
            { id: PR.attachMethod, v: { kind: 'long', value: 5 } },
            { id: PR.attachData, v: { kind: 'object', value: cut } },
          ],
        }),
      ]),
    );
    expect(names(result)).toEqual(['FIRST.TXT']);
    expect(result.complete).toBe(false);
  });

  it('stops an embedded-message nesting bomb at a fixed depth', () => {
    let stream = tnef([...attachment({ title: 'CORE.TXT', data: Buffer.from('core') })]);
    for (let i = 0; i < 40; i++) {
      stream = tnef([
        ...attachment({
          props: [
            { id: PR.attachMethod, v: { kind: 'long', value: 5 } },
            { id: PR.attachData, v: { kind: 'object', value: stream } },
          ],
        }),
      ]);
    }
    const started = performance.now();
    const result = extractTnef(stream);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.complete).toBe(false);
    expect(result.files).toEqual([]);
  });

  it('keeps going past a bad checksum, with a warning', () => {
    const a = attachment({ title: 'A.TXT', data: Buffer.from('abc') });
    a[2]!.badChecksum = true;
    const result = extractTnef(tnef([...header(), ...a]));
    expect(names(result)).toEqual(['A.TXT']);
    expect(result.warnings.join()).toMatch(/checksum/);
  });

  it('recognises TNEF parts by type, name or signature', () => {
    const stream = tnef(header());
    const other = Buffer.from('PK\x03\x04');
    expect(isTnefAttachment({ filename: 'x.bin', contentType: 'application/ms-tnef', content: other })).toBe(
      true,
    );
    expect(
      isTnefAttachment({ filename: 'WINMAIL.DAT', contentType: 'application/octet-stream', content: other }),
    ).toBe(true);
    expect(
      isTnefAttachment({ filename: null, contentType: 'application/octet-stream', content: stream }),
    ).toBe(true);
    expect(isTnefAttachment({ filename: 'a.zip', contentType: 'application/zip', content: other })).toBe(
      false,
    );
  });
});

describe('extractTnef: hostile input never throws and never over-allocates', () => {
  const valid = tnef([
    ...header(),
    attr(1, ATT.subject, 'Interview request'),
    attr(
      1,
      ATT.msgProps,
      props([
        { id: PR.body, v: { kind: 'string8', value: 'Body text' } },
        { id: PR.rtfCompressed, v: { kind: 'binary', value: compressRtfLiterals('{\\rtf1 hi}') } },
      ]),
    ),
    ...attachment({
      title: 'ONE.TXT',
      data: Buffer.from('first file'),
      props: [{ id: PR.longFilename, v: { kind: 'unicode', value: 'one.txt' } }],
    }),
    ...attachment({ title: 'TWO.TXT', data: Buffer.from('second file') }),
  ]);

  function outputBytes(result: TnefResult): number {
    return result.files.reduce((n, f) => n + f.content.length, 0) + (result.body?.rtfCompressed?.length ?? 0);
  }

  it('rejects non-TNEF input without throwing', () => {
    for (const input of [
      Buffer.alloc(0),
      Buffer.from('hello'),
      Buffer.alloc(100),
      Buffer.from('789f3e22', 'hex'),
    ]) {
      const result = extractTnef(input);
      expect(result.files).toEqual([]);
      expect(result.complete).toBe(false);
    }
  });

  it('survives every truncation of a valid stream, returning only whole files', () => {
    const full = extractTnef(valid);
    expect(names(full)).toEqual(['one.txt', 'TWO.TXT']);
    // Attribute boundaries: a cut there is a shorter valid stream; a cut leaving a partial
    // attribute header (under 9 bytes) looks like trailing garbage; anything else is damage.
    const boundaries = [6];
    for (let pos = 6; pos < valid.length;) {
      pos += 9 + valid.readUInt32LE(pos + 5) + 2;
      boundaries.push(pos);
    }
    const wholeFiles = full.files.map((f) => f.content.toString());
    for (let cut = 0; cut < valid.length; cut++) {
      const result = extractTnef(valid.subarray(0, cut));
      for (const file of result.files) expect(wholeFiles).toContain(file.content.toString());
      const last = Math.max(...boundaries.filter((b) => b <= cut));
      if (cut < 6 || cut - last >= 9) expect(result.complete, `cut at ${cut}`).toBe(false);
    }
  });

  it('treats absurd declared sizes as damage, without allocating them', () => {
    const cases: Buffer[] = [
      // attribute claiming 4 GB
      tnef([
        ...header(),
        { level: 2, id: ATT.attachData, data: Buffer.from('x'), declaredLength: 0xfffffff0 },
      ]),
      // property list claiming 4 billion properties
      tnef([attr(1, ATT.msgProps, props([{ id: PR.body, v: { kind: 'string8', value: 'a' } }], 0xffffffff))]),
      // a multi-valued property claiming 4 billion values
      tnef([
        attr(1, ATT.msgProps, Buffer.concat([u32(1), u16(PT.string8 | PT.mv), u16(0x3a00), u32(0xffffffff)])),
      ]),
      // a value claiming 4 GB
      tnef([
        attr(
          1,
          ATT.msgProps,
          Buffer.concat([u32(1), u16(PT.binary), u16(PR.bodyHtml), u32(1), u32(0xffffff00)]),
        ),
      ]),
      // a named property whose name claims 4 GB
      tnef([
        attr(
          1,
          ATT.msgProps,
          Buffer.concat([u32(1), u16(PT.long), u16(0x8001), Buffer.alloc(16), u32(1), u32(0xfffffff0)]),
        ),
      ]),
      // an unknown property type: the rest cannot be sized
      tnef([attr(1, ATT.msgProps, Buffer.concat([u32(2), u16(0x0999), u16(0x1234), u32(5)]))]),
    ];
    for (const input of cases) {
      const started = performance.now();
      const result = extractTnef(input);
      expect(performance.now() - started).toBeLessThan(200);
      expect(result.complete).toBe(false);
      expect(outputBytes(result)).toBeLessThanOrEqual(input.length);
    }
  });

  it('survives 3,000 random mutations of a valid stream', () => {
    const random = prng(20261120);
    for (let round = 0; round < 3000; round++) {
      const input = Buffer.from(valid);
      const edits = 1 + Math.floor(random() * 8);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * input.length);
        // Mostly byte flips; sometimes a 0xff run, which makes lengths and counts huge.
        if (random() < 0.3) input.fill(0xff, at, Math.min(input.length, at + 4));
        else input[at] = Math.floor(random() * 256);
      }
      const result = extractTnef(input);
      expect(outputBytes(result)).toBeLessThanOrEqual(input.length);
      if (result.body?.rtfCompressed) decompressRtf(result.body.rtfCompressed);
    }
  });

  it('decompressRtf rejects bad streams and bounds its output', () => {
    const good = compressRtfLiterals('{\\rtf1 ok}');
    const badCrc = Buffer.from(good);
    badCrc[20] = badCrc[20]! ^ 0xff;
    expect(decompressRtf(badCrc)).toBeNull();
    expect(decompressRtf(Buffer.alloc(10))).toBeNull();
    const unknownType = Buffer.from(good);
    unknownType.writeUInt32LE(0x12345678, 8);
    expect(decompressRtf(unknownType)).toBeNull();
    // Uncompressed ("MELA") streams are passed through, cut to the declared size.
    const mela = Buffer.concat([u32(20), u32(5), u32(0x414c454d), u32(0), Buffer.from('{\\rtf1 }')]);
    expect(decompressRtf(mela)?.toString()).toBe('{\\rtf');
    // A stream of back-references claiming a 4 GB raw size: output stays within what it can expand to.
    const refs = Buffer.concat(
      Array.from({ length: 64 }, () => Buffer.from([0xff, ...Array(16).fill(0x00)])),
    );
    const bomb = Buffer.concat([
      u32(refs.length + 12),
      u32(0xffffffff),
      u32(0x75465a4c),
      u32(rtfCrc(refs)),
      refs,
    ]);
    const out = decompressRtf(bomb);
    expect(out).not.toBeNull();
    expect(out!.length).toBeLessThanOrEqual(refs.length * 9);
  });
});

const corpus = join(corporaDir(), 'mime-nasty', 'tnef-verdammelt');
const haveCorpus = corpusAvailable(corpus, 'mime-nasty/tnef-verdammelt');

// Upstream's `.list` names the files its test compares with a baseline, not every file it writes.
// Its own debug baseline for long-filename ends "WRITING ./long-filename.dir/allproductsmar2000.dat",
// so that file is expected too. (verdammelt/tnef tests/files/baselines/long-filename.baseline)
const LIST_OMITS: Record<string, string[]> = { 'long-filename': ['allproductsmar2000.dat'] };

describe.skipIf(!haveCorpus)('extractTnef: verdammelt/tnef corpus', () => {
  const datafiles = haveCorpus ? join(corpus, 'datafiles') : '';
  const cases = haveCorpus
    ? readdirSync(datafiles)
        .filter((name) => name.endsWith('.tnef'))
        .map((name) => name.slice(0, -'.tnef'.length))
        .sort()
    : [];

  it('has the nine upstream cases', () => {
    expect(cases).toHaveLength(9);
  });

  it.each(cases)('%s: extracted names equal the .list, bodies present, baselines byte-equal', (name) => {
    const result = extractTnef(readFileSync(join(datafiles, `${name}.tnef`)));
    const listed = readFileSync(join(datafiles, `${name}.list`), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const bodyFiles = listed.filter((f) => f === `${name}-body.rtf` || f === `${name}-body.html`);
    const expectedFiles = [...listed.filter((f) => !bodyFiles.includes(f)), ...(LIST_OMITS[name] ?? [])];
    expect(new Set(names(result))).toEqual(new Set(expectedFiles));
    expect(result.files).toHaveLength(expectedFiles.length);

    for (const bodyFile of bodyFiles) {
      if (bodyFile.endsWith('.html')) expect(result.body?.html, bodyFile).toMatch(/<html|<!DOCTYPE/i);
      else {
        const rtf = decompressRtf(result.body?.rtfCompressed ?? Buffer.alloc(0));
        expect(rtf?.toString('latin1'), bodyFile).toMatch(/^\{\\rtf1/);
        // The header's raw size is what a correct decompressor produces exactly.
        expect(rtf!.length).toBe(result.body!.rtfCompressed!.readUInt32LE(4));
      }
    }

    for (const file of result.files) {
      const baseline = join(corpus, 'baselines', `${file.filename}.baseline`);
      if (existsSync(baseline)) expect(file.content.equals(readFileSync(baseline)), file.filename).toBe(true);
    }
    console.log(
      `[tnef] ${name}: ${names(result).join(', ') || '(no files)'}${result.body ? ` + body(${Object.keys(result.body).join(',')})` : ''}${result.warnings.length ? ` — ${result.warnings.join('; ')}` : ''}`,
    );
  });

  it('compares every baseline at least once', () => {
    const compared = new Set<string>();
    for (const name of cases) {
      for (const f of extractTnef(readFileSync(join(datafiles, `${name}.tnef`))).files)
        compared.add(f.filename);
    }
    for (const baseline of readdirSync(join(corpus, 'baselines'))) {
      expect(compared, baseline).toContain(baseline.replace(/\.baseline$/, ''));
    }
  });
});
