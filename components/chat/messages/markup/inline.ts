/**
 * The inline part of Parley's formatting: `code`, **bold** / __bold__, *italic* / _italic_,
 * ~~strike~~, backslash escapes and links found in the text (./links.ts). Emphasis follows
 * CommonMark's flanking rules (so `snake_case_names`, `2 * 3 * 4` and `~5 min` stay text), without
 * its "multiple of 3" rule. HTML, entities, `[text](url)` and images are not parsed: they stay text
 * (the URL inside still becomes a link).
 *
 * Linear in the length of the text, whatever it holds: one scan finds code spans (each backtick run
 * looks up the next run of its length in a table built once), links and delimiter runs; delimiters
 * are then matched on one stack with a count per marker, so a closer that has no opener costs O(1)
 * and every opener is passed over at most once (CommonMark's "process emphasis", with its
 * openers-bottom idea made exact by the counts).
 */
import { emailAt, linkMayStartAt, urlAt } from "./links";
import { MAX_ELEMENTS, MAX_NESTING, type Budget, type Inline } from "./types";

type Marker = "*" | "_" | "~";
type Kind = "strong" | "em" | "strike";
interface Delim {
  type: "delim";
  ch: Marker;
  /** characters of the run not (yet) used as a marker */
  left: number;
  canOpen: boolean;
  canClose: boolean;
  /** what this run opens, innermost first */
  opens: Kind[];
  /** what this run closes, innermost first */
  closes: Kind[];
}
/** a code span, with its source for when it has to stay text */
type Code = { type: "code"; text: string; raw: string };
type Item = Exclude<Inline, { type: "code" }> | Code | Delim;

const WHITESPACE = /\s/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WIDTH: Record<Kind, number> = { strong: 2, em: 1, strike: 2 };

/** The code point before `i` ("" at the start). */
function before(s: string, i: number): string {
  if (i === 0) return "";
  const low = s.charCodeAt(i - 1);
  return i > 1 && low >= 0xdc00 && low <= 0xdfff ? s.slice(i - 2, i) : s[i - 1];
}
/** The code point at `i` ("" at the end). */
const at = (s: string, i: number): string => (i >= s.length ? "" : String.fromCodePoint(s.codePointAt(i)!));
const isSpace = (c: string) => c === "" || WHITESPACE.test(c);
const isPunct = (c: string) => c !== "" && PUNCTUATION.test(c);

/** For each backtick run length, the start of the next run of exactly that length at or after `from` (-1: none). */
function backtickRuns(s: string): (length: number, from: number) => number {
  const starts = new Map<number, number[]>();
  const seen = new Map<number, number>();
  for (let i = s.indexOf("`"); i >= 0; i = s.indexOf("`", i)) {
    let j = i;
    while (s[j] === "`") j++;
    const list = starts.get(j - i) ?? [];
    list.push(i);
    starts.set(j - i, list);
    i = j;
  }
  return (length, from) => {
    const list = starts.get(length);
    if (!list) return -1;
    let k = seen.get(length) ?? 0;
    while (k < list.length && list[k] < from) k++;
    seen.set(length, k);
    return k < list.length ? list[k] : -1;
  };
}

/** CommonMark's code span content: line breaks as spaces, one space of padding on each side dropped. */
function codeText(raw: string): string {
  const t = raw.replace(/\n/g, " ");
  return t.length > 2 && t.startsWith(" ") && t.endsWith(" ") && t.trim() !== "" ? t.slice(1, -1) : t;
}

function runLength(s: string, i: number): number {
  let j = i;
  while (s[j] === s[i]) j++;
  return j - i;
}

/** One pass over the text: text, code, links and the delimiter runs that may open or close. */
function scan(s: string): Item[] {
  const items: Item[] = [];
  let textStart = 0;
  let nextRun: ReturnType<typeof backtickRuns> | null = null;
  const flush = (to: number) => {
    if (to > textStart) items.push({ type: "text", text: s.slice(textStart, to) });
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\" && ESCAPABLE.test(s[i + 1] ?? "")) {
      flush(i);
      textStart = i + 1; // the escaped character is kept as text
      i += 2;
      continue;
    }
    if (c === "`") {
      const k = runLength(s, i);
      nextRun ??= backtickRuns(s);
      const close = nextRun(k, i + k);
      if (close >= 0) {
        flush(i);
        items.push({ type: "code", text: codeText(s.slice(i + k, close)), raw: s.slice(i, close + k) });
        textStart = close + k;
      }
      i = close >= 0 ? close + k : i + k;
      continue;
    }
    if (c === "*" || c === "_" || c === "~") {
      const k = runLength(s, i);
      const prev = before(s, i);
      const next = at(s, i + k);
      const leftFlanking = !isSpace(next) && (!isPunct(next) || isSpace(prev) || isPunct(prev));
      const rightFlanking = !isSpace(prev) && (!isPunct(prev) || isSpace(next) || isPunct(next));
      const canOpen = c === "_" ? leftFlanking && (!rightFlanking || isPunct(prev)) : leftFlanking;
      const canClose = c === "_" ? rightFlanking && (!leftFlanking || isPunct(next)) : rightFlanking;
      if ((canOpen || canClose) && (c !== "~" || k === 2)) {
        flush(i);
        items.push({ type: "delim", ch: c, left: k, canOpen, canClose, opens: [], closes: [] });
        textStart = i + k;
      }
      i += k;
      continue;
    }
    if (c === "@") {
      const email = emailAt(s, i, textStart);
      if (email) {
        flush(email.start);
        items.push({ type: "link", href: email.href, text: email.text });
        i = textStart = email.end;
        continue;
      }
    } else if ((c === "h" || c === "H" || c === "w" || c === "W") && linkMayStartAt(s, i)) {
      const url = urlAt(s, i);
      if (url) {
        if (url.href) {
          flush(i);
          items.push({ type: "link", href: url.href, text: url.text });
          textStart = url.end;
        }
        i = url.end; // a URL the browser refuses stays text, and is not read again
        continue;
      }
    }
    i++;
  }
  flush(s.length);
  return items;
}

/** Pairs openers with closers (inner pairs first), recording on each run what it opens and closes. */
function match(items: Item[]): void {
  const stack: Delim[] = [];
  const open: Record<Marker, number> = { "*": 0, _: 0, "~": 0 };
  for (const run of items) {
    if (run.type !== "delim") continue;
    if (run.canClose) {
      while (run.left > 0 && open[run.ch] > 0) {
        let top = stack[stack.length - 1];
        // openers of other markers between this pair can no longer close: they stay text
        while (top.ch !== run.ch) {
          stack.pop();
          open[top.ch]--;
          top = stack[stack.length - 1];
        }
        const kind: Kind = run.ch === "~" ? "strike" : top.left >= 2 && run.left >= 2 ? "strong" : "em";
        top.left -= WIDTH[kind];
        run.left -= WIDTH[kind];
        top.opens.push(kind);
        run.closes.push(kind);
        if (top.left === 0) {
          stack.pop();
          open[top.ch]--;
        }
      }
    }
    if (run.canOpen && run.left > 0) {
      stack.push(run);
      open[run.ch]++;
    }
  }
}

interface Frame {
  kind: Kind | null;
  /** past MAX_NESTING, or past the budget: the frame's markers stay text and its content joins its parent's */
  flat: boolean;
  /** the markers, as typed */
  marker: string;
  children: Inline[];
}

function add(children: Inline[], node: Inline): void {
  const last = children[children.length - 1];
  if (node.type === "text" && last?.type === "text") children[children.length - 1] = { type: "text", text: last.text + node.text };
  else children.push(node);
}

/**
 * The tree from the matched runs: a run's closing markers come first, then its unused characters,
 * then its opening markers. Each element made (emphasis, link, code) takes one from `budget`; with
 * none left, or deeper than MAX_NESTING, emphasis markers stay text and links and code are text.
 */
function build(items: Item[], budget: Budget): Inline[] {
  const root: Frame = { kind: null, flat: false, marker: "", children: [] };
  const frames: Frame[] = [root];
  let depth = 0;
  const here = () => frames[frames.length - 1].children;
  for (const item of items) {
    if (item.type === "link" || item.type === "code") {
      if (budget.left > 0) {
        budget.left--;
        add(here(), item.type === "code" ? { type: "code", text: item.text } : item);
      } else add(here(), { type: "text", text: item.type === "link" ? item.text : item.raw });
      continue;
    }
    if (item.type !== "delim") {
      add(here(), item);
      continue;
    }
    for (const kind of item.closes) {
      const frame = frames.length > 1 ? frames.pop()! : null;
      if (!frame) {
        add(root.children, { type: "text", text: item.ch.repeat(WIDTH[kind]) }); // cannot happen: pairs nest
      } else if (frame.flat) {
        add(here(), { type: "text", text: frame.marker });
      } else {
        depth--;
        add(here(), { type: frame.kind!, children: frame.children });
      }
    }
    if (item.left > 0) add(here(), { type: "text", text: item.ch.repeat(item.left) });
    for (let k = item.opens.length - 1; k >= 0; k--) {
      const flat = depth >= MAX_NESTING || budget.left <= 0;
      const marker = item.ch.repeat(WIDTH[item.opens[k]]);
      if (flat) {
        add(here(), { type: "text", text: marker });
      } else {
        depth++;
        budget.left--;
      }
      frames.push({ kind: item.opens[k], flat, marker, children: flat ? here() : [] });
    }
  }
  return root.children;
}

/**
 * The inline content of one paragraph (or list item, or quote line). Never throws; linear time.
 * `budget` is the message's (MAX_ELEMENTS) when called from parseMessage.
 */
export function parseInline(text: string, budget: Budget = { left: MAX_ELEMENTS }): Inline[] {
  const items = scan(text);
  match(items);
  return build(items, budget);
}
