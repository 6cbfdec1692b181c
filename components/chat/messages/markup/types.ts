/**
 * The tree a message's text parses into (./blocks.ts, ./inline.ts): only what Parley's formatting
 * subset has (docs/chat-ui.md, "Formatting"). Text is kept as typed; nothing here is HTML.
 */

export type Inline =
  | { type: "text"; text: string }
  /** `code`: shown as typed, never formatted or linked */
  | { type: "code"; text: string }
  /** an http(s) or mailto link found in the text; `text` as typed, `href` the checked address */
  | { type: "link"; href: string; text: string }
  | { type: "strong" | "em" | "strike"; children: Inline[] };

export type Block =
  | { type: "paragraph"; children: Inline[] }
  /** a fenced code block; `lang` is the word after the opening fence, "" when none */
  | { type: "code"; lang: string; text: string }
  | { type: "quote"; children: Block[] }
  /** `items` each hold the blocks of one list item; `start` is the first number of an ordered list */
  | { type: "list"; ordered: boolean; start: number; items: Block[][] };

/** How deep quotes, lists and emphasis may nest; deeper markers stay text (or, for emphasis, unstyled). */
export const MAX_NESTING = 6;

/**
 * How many elements (blocks, list items, formatted spans, links) one message may make; past it the
 * rest shows as typed: markers as text, one paragraph. An ordinary long message makes well under a
 * hundred; 4,000 characters of `*a*` would make 1,000, and the page would spend its time laying
 * them out (bench/markup.ts).
 */
export const MAX_ELEMENTS = 300;
/** What a code block counts against MAX_ELEMENTS: its elements, and a scroll box, the dearest to lay out. */
export const CODE_BLOCK_COST = 12;

/** What one parse may still make (shared by the nested calls), counted down from MAX_ELEMENTS. */
export interface Budget {
  left: number;
}
