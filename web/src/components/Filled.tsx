import { Fragment, type ComponentChildren } from 'preact';

/**
 * A translated sentence with elements in it (code, links): `{name}` in the catalogue text marks where
 * each part goes, so each language orders the sentence its own way.
 */
export function Filled({ text, parts }: { text: string; parts: Record<string, ComponentChildren> }) {
  const pieces = text.split(/\{(\w+)\}/);
  return (
    <>
      {pieces.map((piece, i) =>
        i % 2 === 1 ? <Fragment key={i}>{parts[piece] ?? `{${piece}}`}</Fragment> : piece,
      )}
    </>
  );
}
