/**
 * A message as plain text, its formatting markers gone: for places that show text without
 * formatting, such as the sidebar's last-message preview and desktop notifications. Blocks are
 * separated by a line break; code and links keep their text as typed.
 */
import { parseMessage } from "./blocks";
import type { Block, Inline } from "./types";

function inlineText(nodes: Inline[]): string {
  return nodes.map((n) => (n.type === "text" || n.type === "code" || n.type === "link" ? n.text : inlineText(n.children))).join("");
}

function blocksText(blocks: Block[]): string {
  return blocks
    .map((b) => {
      if (b.type === "paragraph") return inlineText(b.children);
      if (b.type === "code") return b.text;
      if (b.type === "quote") return blocksText(b.children);
      return b.items.map(blocksText).join("\n");
    })
    .join("\n");
}

/** `body` without its formatting markers ("**hi** `x`" → "hi x"). Linear time; never throws. */
export function plainText(body: string): string {
  return blocksText(parseMessage(body));
}
