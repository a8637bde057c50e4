// Toolbar edits of the reply text for simple formatting: markers around the selection, and list
// bullets at the start of the selected lines. Pure, so the result and the new selection are known
// before the textarea is updated.

export interface Edit {
  value: string;
  selectionStart: number;
  selectionEnd: number;
}

/**
 * Wraps the selection in `marker` ("**" or "_"). Markers do not span lines, so each selected line is
 * wrapped on its own, and spaces at the edges stay outside (a marker next to a space does not
 * count). With nothing selected, a pair is inserted and the caret put between.
 */
export function wrapSelection(value: string, start: number, end: number, marker: string): Edit {
  if (start === end) {
    const next = value.slice(0, start) + marker + marker + value.slice(end);
    return { value: next, selectionStart: start + marker.length, selectionEnd: start + marker.length };
  }
  const wrapped = value
    .slice(start, end)
    .split('\n')
    .map((line) => {
      const lead = line.length - line.trimStart().length;
      const trail = line.length - line.trimEnd().length;
      const core = line.slice(lead, line.length - trail);
      return core
        ? `${line.slice(0, lead)}${marker}${core}${marker}${line.slice(line.length - trail)}`
        : line;
    })
    .join('\n');
  return {
    value: value.slice(0, start) + wrapped + value.slice(end),
    selectionStart: start,
    selectionEnd: start + wrapped.length,
  };
}

const BULLET = /^(- |• )/;

/** Makes the selected lines a bulleted list, or plain lines again if they all already are. */
export function toggleList(value: string, start: number, end: number): Edit {
  const from = value.lastIndexOf('\n', start - 1) + 1;
  const newline = value.indexOf('\n', end > start && value[end - 1] === '\n' ? end - 1 : end);
  const to = newline === -1 ? value.length : newline;
  const lines = value.slice(from, to).split('\n');
  const filled = lines.filter((l) => l.trim());
  const allBulleted = filled.length > 0 && filled.every((l) => BULLET.test(l));
  const changed = lines
    .map((line) => {
      if (!line.trim()) return line;
      return allBulleted ? line.replace(BULLET, '') : BULLET.test(line) ? line : `- ${line}`;
    })
    .join('\n');
  return {
    value: value.slice(0, from) + changed + value.slice(to),
    selectionStart: from,
    selectionEnd: from + changed.length,
  };
}
