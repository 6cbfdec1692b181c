/**
 * One length rule and one cut rule (DESIGN Text rules; docs/text.md): lengths in code points,
 * the same in zod's schemas as in lib/platform/text-length.ts; cuts for display on grapheme boundaries.
 */
import { z } from "zod";
import { initials } from "@/lib/people/avatar";
import { firstVisibleGrapheme, graphemes, longestMarkRun, MAX_MARK_RUN, textLength, truncate } from "@/lib/platform/text-length";
import { displayNameSchema } from "@/lib/people/schemas";
import { groupTitleSchema } from "@/lib/conversations/schemas";
import { PROFILE_LIMITS } from "@/lib/people/rules";
import { messageBodySchema } from "@/lib/messages/schemas";
import { MESSAGE_MAX } from "@/lib/messages/rules";
import { preview } from "@/components/chat/client/desktop-notifications";
import { isWellFormed } from "@/lib/platform/text";

const FAMILY = "👨‍👩‍👧‍👦"; // 4 people joined by 3 ZWJ: 7 code points, 11 UTF-16 units, 1 grapheme
const CODER = "👩🏽‍💻"; // woman, skin tone, ZWJ, laptop: 4 code points, 1 grapheme
const FLAG = "🇫🇷"; // two regional indicators
const SCOTLAND = "🏴󠁧󠁢󠁳󠁣󠁴󠁿"; // black flag + 5 tag characters + cancel tag: 7 code points
const E_ACUTE_NFD = "e\u0301";
const HANGUL_JAMO = "\u1100\u1161\u11a8"; // 각 written as conjoining jamo: 3 code points, 1 grapheme
const DEVANAGARI = "क्षि"; // क + virama + ष + vowel sign i: 4 code points, 1 grapheme

describe("textLength counts code points", () => {
  it.each([
    ["", 0],
    ["abc", 3],
    ["é", 1],
    [E_ACUTE_NFD, 2],
    ["😀", 1],
    [FAMILY, 7],
    [CODER, 4],
    [FLAG, 2],
    [SCOTLAND, 7],
    [HANGUL_JAMO, 3],
    ["각", 1],
    [DEVANAGARI, 4],
    ["\ud83d", 1],
    ["a\udc00b", 3],
    ["\udc00\ud83d", 2], // a reversed pair is two lone surrogates
  ])("%j has %i", (s, n) => {
    expect(textLength(s)).toBe(n);
    expect(textLength(s)).toBe(Array.from(s).length);
  });
});

describe("zod's string max and min count what textLength counts (the server schemas rely on it)", () => {
  const samples = ["x", "😀", E_ACUTE_NFD, FAMILY, CODER, FLAG, SCOTLAND, HANGUL_JAMO, DEVANAGARI, "\ud83d"];
  it.each(samples)("agrees on repetitions of %j around the limit", (unit) => {
    for (const times of [1, 2, 3, 7, 10]) {
      const s = unit.repeat(times);
      const n = textLength(s);
      expect(z.string().max(n).safeParse(s).success).toBe(true);
      expect(z.string().max(n - 1).safeParse(s).success).toBe(false);
      expect(z.string().min(n).safeParse(s).success).toBe(true);
      expect(z.string().min(n + 1).safeParse(s).success).toBe(false);
    }
  });

  it("accepts a message of 4000 emoji and refuses 4001", () => {
    expect(messageBodySchema.safeParse("😀".repeat(MESSAGE_MAX)).success).toBe(true);
    const over = messageBodySchema.safeParse("😀".repeat(MESSAGE_MAX + 1));
    expect(over.success).toBe(false);
    expect(over.error?.issues[0].message).toBe("A message may be at most 4000 characters");
  });

  it("counts a name after NFC: 64 decomposed é are 128 code points sent, 64 stored", () => {
    expect(displayNameSchema.safeParse(E_ACUTE_NFD.repeat(PROFILE_LIMITS.displayNameMax)).data).toBe("é".repeat(64));
    expect(displayNameSchema.safeParse("é".repeat(65)).success).toBe(false);
    expect(groupTitleSchema.safeParse(FLAG.repeat(32)).success).toBe(true);
    expect(groupTitleSchema.safeParse(FLAG.repeat(32) + "x").success).toBe(false);
  });
});

describe("graphemes", () => {
  it("keeps emoji sequences, flags, skin tones, combining marks and Hangul jamo whole", () => {
    const s = `a${FAMILY}${CODER}${FLAG}${FLAG}${SCOTLAND}${E_ACUTE_NFD}${HANGUL_JAMO}${DEVANAGARI}z`;
    expect([...graphemes(s)]).toEqual(["a", FAMILY, CODER, FLAG, FLAG, SCOTLAND, E_ACUTE_NFD, HANGUL_JAMO, DEVANAGARI, "z"]);
  });
});

describe("graphemes without Intl.Segmenter (older browsers)", () => {
  it("falls back to a rule that keeps the same sequences whole", () => {
    const segmenter = Intl.Segmenter;
    delete (Intl as { Segmenter?: unknown }).Segmenter;
    try {
      jest.isolateModules(() => {
        const fallback = require("@/lib/platform/text-length") as typeof import("@/lib/platform/text-length");
        const s = `a${FAMILY}${CODER}${FLAG}${FLAG}${FLAG}${SCOTLAND}${E_ACUTE_NFD}z`;
        expect([...fallback.graphemes(s)]).toEqual(["a", FAMILY, CODER, FLAG, FLAG, FLAG, SCOTLAND, E_ACUTE_NFD, "z"]);
        expect(fallback.truncate(`${FLAG}${FLAG}${FLAG}`, 4)).toBe(`${FLAG}…`);
      });
    } finally {
      (Intl as { Segmenter?: unknown }).Segmenter = segmenter;
    }
  });
});

describe("truncate cuts on a grapheme boundary, within the code-point budget (ellipsis included)", () => {
  it.each([
    ["short text", 20, "short text"],
    ["abcdef", 6, "abcdef"],
    ["abcdefg", 6, "abcde…"],
    ["😀".repeat(5), 5, "😀".repeat(5)], // 10 UTF-16 units, 5 code points: it fits
    ["😀".repeat(6), 5, "😀😀😀😀…"],
    [`ab${CODER}cd`, 4, "ab…"], // the coder (4 code points) does not fit whole
    [`ab${CODER}cd`, 7, `ab${CODER}…`],
    [`${FLAG}${FLAG}${FLAG}`, 4, `${FLAG}…`], // never one regional indicator (a different flag, or a letter box)
    [`${FAMILY}x`, 7, "…"], // not even the first grapheme fits
    [`Jose${E_ACUTE_NFD} Zoe${E_ACUTE_NFD}`, 6, "Jose…"], // never an e without its accent
    [`${HANGUL_JAMO}${HANGUL_JAMO}`, 5, `${HANGUL_JAMO}…`],
    [`नमस्ते ${DEVANAGARI}`, 6, "नम…"], // स्ते is one grapheme (Unicode 15.1 conjuncts)
  ])("truncate(%j, %i) is %j", (s, max, expected) => {
    const cut = truncate(s, max);
    expect(cut).toBe(expected);
    expect(textLength(cut)).toBeLessThanOrEqual(max);
    expect(isWellFormed(cut)).toBe(true);
  });

  it("cuts long bodies of every kind into well-formed prefixes of whole graphemes", () => {
    const pieces = ["a", " ", FAMILY, CODER, FLAG, SCOTLAND, E_ACUTE_NFD, HANGUL_JAMO, DEVANAGARI, "Z\u0336\u0489\u0336"];
    for (let seed = 1; seed <= 200; seed++) {
      let s = "";
      for (let i = 0, x = seed; i < 60; i++, x = (x * 1103515245 + 12345) % 2 ** 31) s += pieces[x % pieces.length];
      const all = [...graphemes(s)];
      for (const max of [1, 2, 5, 17, 140]) {
        const cut = truncate(s, max);
        if (cut === s) continue;
        const kept = [...graphemes(cut.slice(0, -1))];
        expect(kept).toEqual(all.slice(0, kept.length));
        expect(textLength(cut)).toBeLessThanOrEqual(max);
      }
    }
  });

  it("is what a notification shows: 140 code points, no half emoji", () => {
    const body = "x".repeat(139) + "😀😀";
    expect(preview({ body, deletedAt: null, attachments: [] })).toBe("x".repeat(139) + "…");
    expect(preview({ body: "😀".repeat(140), deletedAt: null, attachments: [] })).toBe("😀".repeat(140));
    expect(preview({ body, deletedAt: "2024-01-01T00:00:00Z", attachments: [] })).toBe("message deleted");
  });

  it("names a message of files alone by its file, or how many there are; text with files is the text", () => {
    const file = (name: string) => ({ id: name, name, contentType: "image/png", size: 1, width: 1, height: 1, url: "", thumbnailUrl: null });
    expect(preview({ body: "", deletedAt: null, attachments: [file("plan.png")] })).toBe("plan.png");
    expect(preview({ body: "", deletedAt: null, attachments: [file("a.png"), file("b.png"), file("c.txt")] })).toBe("3 files");
    expect(preview({ body: "see these", deletedAt: null, attachments: [file("a.png")] })).toBe("see these");
  });
});

describe("avatar initials are whole graphemes", () => {
  it.each([
    ["Ada Lovelace", "AL"],
    [`${CODER} Ada`, `${CODER}A`],
    [`${FLAG} Paris`, `${FLAG}P`],
    [`${FAMILY}`, FAMILY],
    [`Zoe${E_ACUTE_NFD}`, "Z"],
    [`${E_ACUTE_NFD}mile Zola`, `${E_ACUTE_NFD.toUpperCase()}Z`],
    [`${HANGUL_JAMO} ${DEVANAGARI}`, `${HANGUL_JAMO}${DEVANAGARI}`],
    ["\u200bada \u202eevE", "AE"],
    ["\u3164", "?"],
    ["Z\u030d\u030e\u0304\u0305\u033f\u0316 ed", "ZE"], // a zalgo stack is no part of an initial
    ["སྒྲུབ", "སྒྲུ"], // a Tibetan stack of 3 is
  ])("initials(%j) is %j", (name, expected) => {
    expect(initials(name)).toBe(expected);
  });

  it("firstVisibleGrapheme skips invisible characters and lone marks", () => {
    expect(firstVisibleGrapheme("\u200b\u2066\u0301Zoë")).toBe("Z");
    expect(firstVisibleGrapheme("\u200b \u2800")).toBe("");
  });
});

describe("runs of combining marks", () => {
  it("measures the longest run", () => {
    expect(longestMarkRun("plain")).toBe(0);
    expect(longestMarkRun("Tiê\u0301ng Viê\u0323t")).toBe(1);
    expect(longestMarkRun("e\u0301\u0323\u0302")).toBe(3);
    expect(longestMarkRun("Z" + "\u0336".repeat(50) + "a\u0301")).toBe(50);
  });

  it("counts on across format characters between marks (ZWJ, ZWNJ, tags, soft hyphen), which draw nothing", () => {
    const half = "\u0336".repeat(20);
    for (const joiner of ["\u200d", "\u200c", "\u2060", "\u00ad", "\u{e0041}", "\u200b", "\u180e", "\u2064\u200d"]) {
      expect([joiner, longestMarkRun("Z" + half + joiner + half)]).toEqual([joiner, 40]);
      expect(messageBodySchema.safeParse("Z" + half + joiner + half).success).toBe(false);
    }
    expect(longestMarkRun("Z" + half + "\ufe0f" + half)).toBe(41); // a variation selector is a mark itself
    expect(displayNameSchema.safeParse("Z" + [half, half, half].join("\u200d\u200c")).success).toBe(false);
  });

  it("keeps ordinary emoji sequences well under the limit", () => {
    const emoji = [
      "👨\u200d👩\u200d👧\u200d👦", // family
      "👩🏽\u200d💻", // skin tone in a ZWJ sequence
      "🇫🇷🇯🇵", // flags from regional indicators
      "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}", // a tag flag (Scotland)
      "1\ufe0f\u20e3#\ufe0f\u20e3", // keycaps
      "🏳\ufe0f\u200d🌈", // rainbow flag
      "❤\ufe0f\u200d🔥",
    ];
    for (const e of emoji) {
      expect([e, longestMarkRun(e)]).toEqual([e, expect.any(Number)]);
      expect(longestMarkRun(e)).toBeLessThanOrEqual(2);
      expect(messageBodySchema.safeParse(e.repeat(20)).success).toBe(true);
      expect(displayNameSchema.safeParse(e).success).toBe(true);
    }
    expect(longestMarkRun("1\ufe0f\u20e3")).toBe(2);
    expect(longestMarkRun("🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}")).toBe(0);
  });

  it("accepts up to MAX_MARK_RUN marks in a row and refuses one more, in messages and names", () => {
    const at = "Z" + "\u0336\u0489".repeat(MAX_MARK_RUN / 2);
    const over = at + "\u0301";
    expect(messageBodySchema.safeParse(at).success).toBe(true);
    expect(messageBodySchema.safeParse(over).error?.issues[0].message).toBe("A message may have at most 30 accents or other combining marks in a row");
    expect(displayNameSchema.safeParse(at).success).toBe(true);
    expect(displayNameSchema.safeParse(over).error?.issues[0].message).toMatch(/at most 30 accents/);
    expect(groupTitleSchema.safeParse(over).success).toBe(false);
  });
});
