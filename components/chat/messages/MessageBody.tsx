import { Fragment, memo, useMemo, type ReactNode } from "react";
import { parseMessage } from "./markup/blocks";
import type { Block, Inline } from "./markup/types";
import { CodeBlock } from "./CodeBlock";
import styles from "./MessageBody.module.scss";
import { useMentionRenderer } from "./Mention";
import { useInnerTabIndex } from "./tab-stops";

/**
 * Turns a piece of the message's own text (never text inside code, code blocks or links) into what
 * is shown; `key` is unique within the message. For later work that highlights @mentions.
 */
export type RenderText = (text: string, key: string) => ReactNode;

const plain: RenderText = (text) => text;

/** A link in a message: a new tab, no opener; a tab stop only in the list's current message (./tab-stops.ts). */
function MessageLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" tabIndex={useInnerTabIndex()}>
      {children}
    </a>
  );
}

function inline(nodes: Inline[], key: string, renderText: RenderText): ReactNode[] {
  return nodes.map((n, i) => {
    const k = `${key}.${i}`;
    switch (n.type) {
      case "text":
        return <Fragment key={k}>{renderText(n.text, k)}</Fragment>;
      case "code":
        return (
          <code key={k} className={styles.code}>
            {n.text}
          </code>
        );
      case "link":
        return (
          <MessageLink key={k} href={n.href}>
            {n.text}
          </MessageLink>
        );
      case "strong":
        return <strong key={k}>{inline(n.children, k, renderText)}</strong>;
      case "em":
        return <em key={k}>{inline(n.children, k, renderText)}</em>;
      case "strike":
        return <s key={k}>{inline(n.children, k, renderText)}</s>;
    }
  });
}

function block(b: Block, key: string, renderText: RenderText): ReactNode {
  switch (b.type) {
    case "paragraph":
      return (
        <p key={key} className={styles.paragraph} dir="auto">
          {inline(b.children, key, renderText)}
        </p>
      );
    case "code":
      return <CodeBlock key={key} text={b.text} lang={b.lang} />;
    case "quote":
      return (
        <blockquote key={key} className={styles.quote} dir="auto">
          {b.children.map((c, i) => block(c, `${key}.${i}`, renderText))}
        </blockquote>
      );
    case "list": {
      // an item of one paragraph (the usual case) holds its text without a <p>
      const items = b.items.map((item, i) => (
        <li key={i} dir="auto">
          {item.length === 1 && item[0].type === "paragraph" ? inline(item[0].children, `${key}.${i}`, renderText) : item.map((c, j) => block(c, `${key}.${i}.${j}`, renderText))}
        </li>
      ));
      return b.ordered ? (
        <ol key={key} className={styles.list} start={b.start === 1 ? undefined : b.start} dir="auto">
          {items}
        </ol>
      ) : (
        <ul key={key} className={styles.list} dir="auto">
          {items}
        </ul>
      );
    }
  }
}

/**
 * A message's text with Parley's formatting (docs/chat-ui.md, "Formatting"): paragraphs, `code`,
 * code blocks with a Copy button, quotes, lists, bold, italic, strike, and http(s) / www. / e-mail
 * links (opening in a new tab, `rel="noopener noreferrer"`). Built as React elements from the parse
 * tree, never as HTML: markup in the text shows as typed. Each block sets `dir="auto"`, so a
 * right-to-left paragraph reads and aligns as one. Parsing is linear in the length of the text and
 * memoised per body.
 */
export const MessageBody = memo(function MessageBody({
  body,
  mentions,
  conversationId,
  renderText,
}: {
  body: string;
  /** the server-resolved mentions: their `@username`s are highlighted in the text (./Mention.tsx) */
  mentions?: readonly string[];
  conversationId?: string;
  renderText?: RenderText;
}) {
  const blocks = useMemo(() => parseMessage(body), [body]);
  const mentionText = useMentionRenderer(mentions, conversationId);
  const render = renderText ?? mentionText ?? plain;
  return <>{blocks.map((b, i) => block(b, `b${i}`, render))}</>;
});
