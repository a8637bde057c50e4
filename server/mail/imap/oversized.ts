/**
 * Stands in for a message above the size limit: its real header block (so it threads and shows who
 * wrote) and a short notice as body. The original stays on the server, untouched.
 */
export function oversizedPlaceholder(headers: Buffer | undefined, size: number, limit: number): Buffer {
  const head = (headers ?? Buffer.from('Subject: (message too large to download)\r\n'))
    .toString('latin1')
    .replace(/(\r?\n)+$/, '');
  // The original's MIME headers describe a body we do not have: plain text replaces them.
  const kept = head
    .split(/\r?\n(?![ \t])/)
    .filter((field) => !/^(content-[a-z-]+|mime-version)\s*:/i.test(field))
    .join('\r\n');
  const notice = `This message is ${(size / 1048576).toFixed(1)} MB, above the ${(limit / 1048576).toFixed(0)} MB limit; it was not downloaded and remains in the mailbox on the mail server.`;
  return Buffer.from(
    `${kept}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${notice}\r\n`,
    'latin1',
  );
}
