import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ImportedFile {
  /** Where the message came from, for error messages: a file path, or path#n inside an mbox. */
  origin: string;
  raw: Buffer;
}

async function startsWithFromLine(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(5);
    const { bytesRead } = await handle.read(buf, 0, 5, 0);
    return bytesRead === 5 && buf.toString('latin1') === 'From ';
  } finally {
    await handle.close();
  }
}

/**
 * Splits an mbox (mboxo or mboxrd) into messages, streaming: a large archive never sits in memory
 * whole. Lines are read as latin1 so every byte survives, whatever the charset.
 */
export async function* readMbox(path: string): AsyncGenerator<ImportedFile> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'latin1' }),
    crlfDelay: Infinity,
  });
  let current: string[] | null = null;
  let index = 0;
  const finish = (): ImportedFile | null => {
    if (!current) return null;
    // The blank line before the next "From " separator belongs to the mbox format, not the message.
    if (current.length > 0 && current[current.length - 1] === '') current.pop();
    const raw = Buffer.from(current.join('\n') + '\n', 'latin1');
    return { origin: `${path}#${++index}`, raw };
  };
  for await (const line of lines) {
    if (line.startsWith('From ')) {
      const done = finish();
      if (done) yield done;
      current = [];
      continue;
    }
    if (current === null) continue; // text before the first separator is not mail
    // mboxrd quoting: ">From " (any number of ">") in a body lost one ">" when written.
    current.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  const last = finish();
  if (last) yield last;
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    // Maildir's tmp/ holds deliveries in progress; they appear in new/ when complete.
    if (entry.isDirectory() && entry.name !== 'tmp') yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/** Messages from an mbox file, a maildir (with sub-folders), or a folder of .eml files, in a stable order. */
export async function* readMailSource(path: string): AsyncGenerator<ImportedFile> {
  const info = await stat(path);
  if (info.isFile()) {
    if (await startsWithFromLine(path)) yield* readMbox(path);
    else yield { origin: path, raw: await readFile(path) };
    return;
  }
  for await (const file of walk(path)) {
    if (await startsWithFromLine(file)) yield* readMbox(file);
    else yield { origin: file, raw: await readFile(file) };
  }
}
