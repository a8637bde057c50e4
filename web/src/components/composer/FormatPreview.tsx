// The formatted reply as the journalist's mail client will show it, rendered from the same rules the
// server sends (server/domain/simple-format.ts) as Preact elements: the officer's text is never
// handed to the DOM as HTML.
import { Fragment, type ComponentChildren } from 'preact';
import {
  parseSimpleFormat,
  safeHref,
  unquotedLine,
  type SimpleInline,
} from '../../../../server/domain/simple-format.ts';

function Inline({ nodes }: { nodes: SimpleInline[] }) {
  return (
    <>
      {nodes.map((node, i): ComponentChildren => {
        if (node.type === 'text') return node.text;
        if (node.type === 'strong')
          return (
            <strong key={i}>
              <Inline nodes={node.children} />
            </strong>
          );
        if (node.type === 'em')
          return (
            <em key={i}>
              <Inline nodes={node.children} />
            </em>
          );
        const href = safeHref(node.href);
        return href ? (
          <a key={i} href={href} target="_blank" rel="noopener noreferrer">
            {node.text}
          </a>
        ) : (
          node.text
        );
      })}
    </>
  );
}

/** Lines of one block with a line break between them. */
function Lines({ lines }: { lines: ComponentChildren[] }) {
  return (
    <>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 && <br />}
          {line}
        </Fragment>
      ))}
    </>
  );
}

export function FormatPreview({ text, label }: { text: string; label: string }) {
  const blocks = parseSimpleFormat(text);
  return (
    <div class="composer-preview" aria-label={label} data-testid="composer-preview">
      {blocks.map((block, i) => {
        if (block.type === 'paragraph')
          return (
            <p key={i} dir="auto">
              <Lines
                lines={block.lines.map((line) => (
                  <Inline nodes={line} />
                ))}
              />
            </p>
          );
        if (block.type === 'list') {
          const items = block.items.map((item, j) => (
            <li key={j}>
              <Inline nodes={item} />
            </li>
          ));
          return block.ordered ? (
            <ol key={i} dir="auto">
              {items}
            </ol>
          ) : (
            <ul key={i} dir="auto">
              {items}
            </ul>
          );
        }
        return (
          <blockquote key={i} dir="auto">
            <Lines lines={block.lines.map(unquotedLine)} />
          </blockquote>
        );
      })}
    </div>
  );
}
