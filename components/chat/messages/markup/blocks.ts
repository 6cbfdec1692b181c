/**
 * The blocks of a message, read line by line as chat apps do: a line break stays a line break, a
 * blank line starts a new paragraph. What is recognised:
 * - a code block between ``` fences (the closing fence may be left out: the block runs to the end);
 * - a quote: lines starting with `>`;
 * - a list: lines starting with `-`, `*` or `+` and a space, or `1.` / `1)` and a space; a line
 *   indented two or more spaces past its item's marker belongs to that item (a nested list, more
 *   text); a blank line ends the list.
 * Everything else, headings (`# …`), tables, `---` and indented code included, is a paragraph of
 * text. Quotes and lists nest at most MAX_NESTING deep, deeper markers stay text, so the work is
 * linear in the length of the message (each line is read once per level). Once a message has
 * made MAX_ELEMENTS elements, what follows is one paragraph of text (blank lines kept).
 */
import { parseInline } from "./inline";
import { CODE_BLOCK_COST, MAX_ELEMENTS, MAX_NESTING, type Block, type Budget } from "./types";

interface ListItem {
  indent: number;
  ordered: boolean;
  start: number;
  /** where the item's text starts on its line */
  content: number;
}

const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( *)(?:[-*+]|(\d{1,9})[.)])( +)(?=\S)/;
const CLOSING_FENCE = /^ {0,3}(`{3,})[ \t]*$/;

const indentOf = (line: string) => line.length - line.trimStart().length;

/** An opening fence: its backtick count and the word after it, or null. */
function openingFence(line: string): { ticks: number; lang: string } | null {
  const indent = indentOf(line);
  if (indent > 3 || !line.startsWith("```", indent)) return null;
  let end = indent;
  while (line[end] === "`") end++;
  const info = line.slice(end);
  if (info.includes("`")) return null; // ```like this``` on one line is inline code
  return { ticks: end - indent, lang: info.trim().split(/\s/)[0] };
}

function listItem(line: string): ListItem | null {
  const m = ITEM.exec(line);
  if (!m) return null;
  return { indent: m[1].length, ordered: m[2] !== undefined, start: m[2] ? Number(m[2]) : 1, content: m[0].length };
}

/** The list that starts at line `i`, and the index of the first line after it. */
function parseList(lines: string[], i: number, depth: number, budget: Budget): [Block, number] {
  const first = listItem(lines[i])!;
  const items: Block[][] = [];
  let j = i;
  budget.left--;
  while (j < lines.length && (j === i || budget.left > 0)) {
    const item = listItem(lines[j]);
    if (!item || item.ordered !== first.ordered || item.indent >= first.indent + 2) break;
    budget.left--;
    const body = [lines[j].slice(item.content)];
    let k = j + 1;
    for (; k < lines.length && lines[k].trim() !== "" && indentOf(lines[k]) >= item.indent + 2; k++) {
      body.push(lines[k].slice(Math.min(indentOf(lines[k]), item.content)));
    }
    items.push(parseBlocks(body, depth + 1, budget));
    j = k;
  }
  return [{ type: "list", ordered: first.ordered, start: first.start, items }, j];
}

function parseBlocks(lines: string[], depth: number, budget: Budget): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    while (paragraph.length && paragraph[paragraph.length - 1].trim() === "") paragraph.pop();
    if (paragraph.length) {
      budget.left--;
      blocks.push({ type: "paragraph", children: parseInline(paragraph.join("\n"), budget) });
    }
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const spent = budget.left <= 0;
    if (line.trim() === "") {
      if (!spent) flush();
      else if (paragraph.length) paragraph.push(line);
      i++;
      continue;
    }
    const fence = spent ? null : openingFence(line);
    if (fence) {
      flush();
      budget.left -= CODE_BLOCK_COST;
      let j = i + 1;
      while (j < lines.length && !((CLOSING_FENCE.exec(lines[j])?.[1].length ?? 0) >= fence.ticks)) j++;
      blocks.push({ type: "code", lang: fence.lang, text: lines.slice(i + 1, j).join("\n") });
      i = j + 1;
      continue;
    }
    if (!spent && depth < MAX_NESTING && QUOTE.test(line)) {
      flush();
      budget.left--;
      const inner: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]); i++) inner.push(lines[i].replace(QUOTE, ""));
      blocks.push({ type: "quote", children: parseBlocks(inner, depth + 1, budget) });
      continue;
    }
    const item = !spent && depth < MAX_NESTING ? listItem(line) : null;
    // like CommonMark, a numbered line interrupts a paragraph only when it is "1."
    if (item && (paragraph.length === 0 || !item.ordered || item.start === 1)) {
      flush();
      const [list, next] = parseList(lines, i, depth, budget);
      blocks.push(list);
      i = next;
      continue;
    }
    paragraph.push(line);
    i++;
  }
  flush();
  return blocks;
}

/** A message's text as blocks. Never throws; linear in the length of the text. */
export function parseMessage(body: string): Block[] {
  return parseBlocks(body.replace(/\r\n?/g, "\n").split("\n"), 0, { left: MAX_ELEMENTS });
}
