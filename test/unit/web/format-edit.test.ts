import { describe, expect, it } from 'vitest';
import { toggleList, wrapSelection } from '../../../web/src/components/composer/format-edit.ts';

describe('composer formatting edits', () => {
  it('wraps the selection, keeping edge spaces outside and the wrapped part selected', () => {
    const value = 'قال إن الأرقام نهائية';
    const start = value.indexOf('الأرقام') - 1;
    const end = start + 1 + 'الأرقام'.length + 1;
    const edit = wrapSelection(value, start, end, '**');
    expect(edit.value).toBe('قال إن **الأرقام** نهائية');
    expect(edit.value.slice(edit.selectionStart, edit.selectionEnd)).toBe(' **الأرقام** ');
  });

  it('wraps each selected line on its own, since markers do not span lines', () => {
    expect(wrapSelection('one\n\ntwo', 0, 8, '_').value).toBe('_one_\n\n_two_');
  });

  it('with nothing selected inserts a pair and puts the caret between', () => {
    expect(wrapSelection('ab', 1, 1, '**')).toEqual({ value: 'a****b', selectionStart: 3, selectionEnd: 3 });
  });

  it('makes the touched lines a list, and plain again when they all are', () => {
    const value = 'Intro\nfirst\n\nsecond\nafter';
    const start = value.indexOf('irst');
    const end = value.indexOf('second') + 3;
    const listed = toggleList(value, start, end);
    expect(listed.value).toBe('Intro\n- first\n\n- second\nafter');
    const back = toggleList(listed.value, listed.selectionStart, listed.selectionEnd);
    expect(back.value).toBe(value);
    expect(toggleList('• a\nb', 0, 5).value).toBe('• a\n- b');
  });
});
