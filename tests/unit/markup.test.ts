/**
 * The message formatting parser (components/chat/messages/markup/): each construct, what stays
 * text, which links are found, the plain text of a message, and that the work grows linearly with
 * the text for crafted and random pathological input (compared by ratio, never by absolute time).
 */
import fc from "fast-check";
import { CRAFTED, repeat } from "@/bench/markup-cases";
import { parseMessage } from "@/components/chat/messages/markup/blocks";
import { parseInline } from "@/components/chat/messages/markup/inline";
import { plainText } from "@/components/chat/messages/markup/plain";
import { CODE_BLOCK_COST, MAX_ELEMENTS, MAX_NESTING, type Block, type Inline } from "@/components/chat/messages/markup/types";

const text = (t: string): Inline => ({ type: "text", text: t });
const link = (t: string, href: string): Inline => ({ type: "link", text: t, href });
const para = (...children: Inline[]): Block => ({ type: "paragraph", children });

/** Every node of a tree, depth first. */
function nodes(blocks: Block[]): (Block | Inline)[] {
  const out: (Block | Inline)[] = [];
  const inl = (n: Inline) => {
    out.push(n);
    if ("children" in n) n.children.forEach(inl);
  };
  const blk = (b: Block) => {
    out.push(b);
    if (b.type === "paragraph") b.children.forEach(inl);
    if (b.type === "quote") b.children.forEach(blk);
    if (b.type === "list") b.items.flat().forEach(blk);
  };
  blocks.forEach(blk);
  return out;
}
const linksOf = (s: string) => nodes(parseMessage(s)).flatMap((n) => (n.type === "link" ? [[n.text, n.href]] : []));

describe("inline formatting", () => {
  it.each<[string, Inline[]]>([
    ["**bold** and __bold__", [{ type: "strong", children: [text("bold")] }, text(" and "), { type: "strong", children: [text("bold")] }]],
    ["*italic* and _italic_", [{ type: "em", children: [text("italic")] }, text(" and "), { type: "em", children: [text("italic")] }]],
    ["~~gone~~", [{ type: "strike", children: [text("gone")] }]],
    ["`a *b* https://x.example`", [{ type: "code", text: "a *b* https://x.example" }]],
    ["``a ` b``", [{ type: "code", text: "a ` b" }]],
    ["***both***", [{ type: "em", children: [{ type: "strong", children: [text("both")] }] }]],
    ["*a **b** c*", [{ type: "em", children: [text("a "), { type: "strong", children: [text("b")] }, text(" c")] }]],
    ["**bold _and italic_**", [{ type: "strong", children: [text("bold "), { type: "em", children: [text("and italic")] }] }]],
    ["~~**x**~~", [{ type: "strike", children: [{ type: "strong", children: [text("x")] }] }]],
  ])("%s", (source, expected) => {
    expect(parseInline(source)).toEqual(expected);
  });

  it.each([
    "snake_case_name and file__name__here",
    "2 * 3 * 4 = 24",
    "about ~5 min, ~~~ three tildes",
    "** not bold **",
    "an `unclosed code span",
    "# not a heading",
    "| a | b |",
    "---",
    "![image](nothing)",
    "[text](not a url)",
    "&amp; &#60; stay as typed",
  ])("leaves %j as the text that was typed", (source) => {
    expect(parseMessage(source)).toEqual([para(text(source))]);
  });

  it("keeps HTML as text", () => {
    const html = `<script>alert(1)</script><b>x</b> <img src=x onerror="alert(1)"> <a href="javascript:alert(1)">y</a>`;
    expect(parseMessage(html)).toEqual([para(text(html))]);
  });

  it("takes a backslash before punctuation as the character itself", () => {
    expect(parseInline("\\*not italic\\* and \\`not code\\` \\a")).toEqual([text("*not italic* and `not code` \\a")]);
  });

  it("drops the one space that pads a code span, and reads its line breaks as spaces", () => {
    expect(parseInline("` `` `")).toEqual([{ type: "code", text: "``" }]);
    expect(parseInline("`a\nb`")).toEqual([{ type: "code", text: "a b" }]);
  });
});

describe("links", () => {
  it("finds http(s), www. and e-mail addresses, leaving the sentence's punctuation outside", () => {
    expect(linksOf("see https://a.example/x, http://b.example. (www.c.example) ada@d.example! mailto:bob@e.example")).toEqual([
      ["https://a.example/x", "https://a.example/x"],
      ["http://b.example", "http://b.example"],
      ["www.c.example", "http://www.c.example"],
      ["ada@d.example", "mailto:ada@d.example"],
      ["mailto:bob@e.example", "mailto:bob@e.example"],
    ]);
  });

  it("keeps brackets that belong to the URL and drops one that closes the sentence's", () => {
    expect(linksOf("https://en.example/wiki/A_(b) and (https://x.example/c)")).toEqual([
      ["https://en.example/wiki/A_(b)", "https://en.example/wiki/A_(b)"],
      ["https://x.example/c", "https://x.example/c"],
    ]);
  });

  it("links nothing but http, https and mailto", () => {
    expect(linksOf("javascript:alert(1) JAVASCRIPT:alert(1) data:text/html,x ftp://x.example vbscript:x file:///etc/passwd")).toEqual([]);
  });

  it("never links inside code, and keeps a link's own underscores and stars", () => {
    expect(linksOf("`https://a.example` and\n```\nwww.b.example\n```")).toEqual([]);
    expect(parseInline("**https://a.example/x_y_z*w**")).toEqual([{ type: "strong", children: [link("https://a.example/x_y_z*w", "https://a.example/x_y_z*w")] }]);
    expect(parseInline("_www.a.example_")).toEqual([{ type: "em", children: [link("www.a.example", "http://www.a.example")] }]);
  });

  it("links a URL only where a word starts", () => {
    expect(linksOf("xhttps://a.example xwww.b.example a.www.c.example xmailto:d@e.example")).toEqual([]);
  });

  it("keeps as text a URL that the URL parser refuses", () => {
    expect(linksOf("http://[oops and https://ok.example")).toEqual([["https://ok.example", "https://ok.example"]]);
  });
});

describe("blocks", () => {
  it("reads a code block as typed, with its language word, and runs an unclosed one to the end", () => {
    expect(parseMessage("before\n```ts\nconst a = **b**;\n  <b>x</b>\n```\nafter")).toEqual([
      para(text("before")),
      { type: "code", lang: "ts", text: "const a = **b**;\n  <b>x</b>" },
      para(text("after")),
    ]);
    expect(parseMessage("```\nno end")).toEqual([{ type: "code", lang: "", text: "no end" }]);
    expect(parseMessage("```inline```")).toEqual([para({ type: "code", text: "inline" })]);
  });

  it("reads quotes, with formatting and nesting inside", () => {
    expect(parseMessage("> *quoted*\n> > deeper\nreply")).toEqual([
      { type: "quote", children: [para({ type: "em", children: [text("quoted")] }), { type: "quote", children: [para(text("deeper"))] }] },
      para(text("reply")),
    ]);
  });

  it("reads bullet and numbered lists, nested by indentation", () => {
    expect(parseMessage("Plan:\n- one\n- two\n  - two a\n3) three")).toEqual([
      para(text("Plan:")),
      { type: "list", ordered: false, start: 1, items: [[para(text("one"))], [para(text("two")), { type: "list", ordered: false, start: 1, items: [[para(text("two a"))]] }]] },
      { type: "list", ordered: true, start: 3, items: [[para(text("three"))]] },
    ]);
  });

  it("keeps line breaks inside a paragraph and starts another at a blank line", () => {
    expect(parseMessage("one\ntwo\n\n\nthree")).toEqual([para(text("one\ntwo")), para(text("three"))]);
  });

  it("does not start a list inside a sentence unless it is a bullet or starts at 1", () => {
    expect(parseMessage("in the year\n1984. Then")).toEqual([para(text("in the year\n1984. Then"))]);
  });

  it("stops nesting at MAX_NESTING: deeper markers stay text", () => {
    const deep = parseMessage(">".repeat(20) + " x");
    const quotes = nodes(deep).filter((n) => n.type === "quote").length;
    expect(quotes).toBe(6);
    expect(plainText(">".repeat(20) + " x")).toBe(">".repeat(14) + " x");
  });
});

describe("the element budget", () => {
  const elements = (blocks: Block[]) => nodes(blocks).filter((n) => n.type !== "text").reduce((sum, n) => sum + (n.type === "code" && "lang" in n ? CODE_BLOCK_COST : 1), 0);

  it.each([
    ["emphasis", "*a* ".repeat(1000)],
    ["links", "www.a.io ".repeat(400)],
    ["list items", "- a\n".repeat(1000)],
    ["paragraphs", "a\n\n".repeat(1000)],
    ["code blocks", "```\nx\n```\n".repeat(300)],
    ["quotes", "> a\n\n".repeat(700)],
  ])("bounds what a message of %s makes, and shows the rest as typed", (_name, source) => {
    const blocks = parseMessage(source.trim());
    expect(elements(blocks)).toBeLessThanOrEqual(MAX_ELEMENTS + CODE_BLOCK_COST);
    expect(elements(blocks)).toBeGreaterThan(MAX_ELEMENTS / 2);
    const last = blocks[blocks.length - 1];
    expect(last.type).toBe("paragraph");
    const tail = plainText(source.trim()).slice(-200);
    expect(source.trim().endsWith(tail)).toBe(true);
  });

  it("keeps the markers of emphasis nested deeper than MAX_NESTING as text", () => {
    const source = "*a _a ".repeat(4) + "x" + " a_ a*".repeat(4); // eight levels
    const depth = (ns: Inline[]): number => Math.max(0, ...ns.map((n) => ("children" in n ? 1 + depth(n.children) : 0)));
    const [p] = parseMessage(source);
    expect(p.type === "paragraph" && depth(p.children)).toBe(MAX_NESTING);
    expect(plainText(source)).toBe("a a a a a a *a _a x a_ a* a a a a a a");
  });

  it("keeps the markers of emphasis past the budget as text", () => {
    const source = "**b** ".repeat(MAX_ELEMENTS + 10);
    const strong = nodes(parseMessage(source)).filter((n) => n.type === "strong").length;
    expect(strong).toBe(MAX_ELEMENTS - 1); // one for the paragraph
    expect(plainText(source).trimEnd().endsWith("**b** ".repeat(11).trimEnd())).toBe(true);
  });
});

describe("plain text", () => {
  it("drops the markers and keeps the text, code and links", () => {
    expect(plainText("**Hi** _there_, `npm ci` at www.a.example\n```js\nx()\n```\n> q\n- a\n- b")).toBe("Hi there, npm ci at www.a.example\nx()\nq\na\nb");
  });

  it("is what was typed when nothing is formatted", () => {
    expect(plainText("Ada's 2 * 3 = 6 <b>")).toBe("Ada's 2 * 3 = 6 <b>");
  });
});

/** ASCII and a few other characters that mean something to the parser, and some that do not. */
const SPECIAL = ["*", "_", "~", "`", "\\", "[", "]", "(", ")", "<", ">", "!", "#", "-", "+", "1.", "@", ".", ":", "/", "http://", "https://", "www.", "mailto:", "a", "b", " ", "\n", "\n\n", "```", "> ", "- ", "  ", "é", "\u0301", "ש", "😀", "\u202e"];
const specialText = (maxLength: number) => fc.array(fc.constantFrom(...SPECIAL), { maxLength }).map((parts) => parts.join(""));

describe("fuzzing the parser", () => {
  it("never throws, links only http(s) and mailto, and drops nothing but markers", () => {
    fc.assert(
      fc.property(specialText(200), (source) => {
        const tree = parseMessage(source);
        for (const n of nodes(tree)) if (n.type === "link") expect(n.href).toMatch(/^(https?:\/\/|mailto:)/);
        // the plain text is the source with characters left out (markers, padding), never added or moved
        const flat = (s: string) => s.replace(/\n/g, " ");
        const plain = flat(plainText(source));
        const src = flat(source);
        let k = 0;
        for (const c of plain) {
          k = src.indexOf(c, k);
          if (k < 0) throw new Error(`${JSON.stringify(plain)} is not drawn from ${JSON.stringify(src)}`);
          k += c.length;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * Milliseconds per parse of `source`, the least of a few samples of repeated parsing (each at least
 * 5 ms long), so a busy machine inflates it as little as possible.
 */
function costOf(parse: (s: string) => unknown, source: string): number {
  let best = Infinity;
  for (let sample = 0; sample < 4; sample++) {
    let runs = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < 5) {
      parse(source);
      runs++;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, elapsed / runs);
  }
  return best;
}

/**
 * How much longer 8× the input takes: about 8 for linear work, about 64 for quadratic. A busy
 * machine slows one measure or the other, so a ratio can come out too high or too low: up to five
 * are taken until one lands on the side `expected` (the least or the greatest is returned), which
 * only a real difference in kind can keep from happening.
 */
function growth(parse: (s: string) => unknown, make: (n: number) => string, expected: "linear" | "quadratic" = "linear"): number {
  const small = make(1000);
  const big = make(8000);
  costOf(parse, small); // warm up (the compiler, the caches)
  const linear = expected === "linear";
  let ratio = linear ? Infinity : 0;
  for (let attempt = 0; attempt < 5 && (linear ? ratio >= LINEAR_BOUND : ratio <= LINEAR_BOUND); attempt++) {
    const r = costOf(parse, big) / costOf(parse, small);
    ratio = linear ? Math.min(ratio, r) : Math.max(ratio, r);
  }
  return ratio;
}
const LINEAR_BOUND = 24;

describe("linear time", () => {
  it("tells quadratic work from linear work (the measure itself)", () => {
    const quadratic = (s: string) => {
      let n = 0;
      for (let i = 0; i < s.length; i += 8) for (let j = i; j < s.length; j++) n += s.charCodeAt(j);
      return n;
    };
    expect(growth(quadratic, repeat("ab"), "quadratic")).toBeGreaterThan(LINEAR_BOUND);
    expect(growth((s) => s.split("").reverse().join(""), repeat("ab"))).toBeLessThan(LINEAR_BOUND);
  });

  it.each(Object.entries(CRAFTED))("%s", (_name, make) => {
    expect(growth(parseMessage, make)).toBeLessThan(LINEAR_BOUND);
  });

  it("holds for random repeated patterns of special characters", () => {
    fc.assert(
      fc.property(specialText(6).filter((u) => u.length > 0), (unit) => {
        expect(growth(parseMessage, repeat(unit))).toBeLessThan(LINEAR_BOUND);
      }),
      { numRuns: 25 },
    );
  });
});
