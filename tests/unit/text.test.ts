import { hasBidiControl, hasControlCharacter, hasVisibleText, isReservedName, isWellFormed, isolate, nameKey, nameProblem, RESERVED_NAMES } from "@/lib/text";
import { displayNameSchema, groupTitleSchema, messageBodySchema, parseInput, profileUpdateSchema } from "@/lib/validation";
import { AppError } from "@/lib/errors";

const cp = (n: number) => String.fromCodePoint(n);

describe("isWellFormed", () => {
  it("refuses lone surrogates, high or low, anywhere", () => {
    for (const s of ["\ud83d", "a\ud83d", "\ude00b", "x\ude00\ud83dy", "\ud800\ud800"]) expect(isWellFormed(s)).toBe(false);
  });
  it("accepts paired surrogates (emoji, astral letters) and plain text", () => {
    for (const s of ["", "Ada", "\ud83d\ude00", "👩‍💻 Ada", "𝒜da", "مرحبا"]) expect(isWellFormed(s)).toBe(true);
  });
  it("gives the same answer without String.prototype.isWellFormed (older browsers)", () => {
    const native = Object.getOwnPropertyDescriptor(String.prototype, "isWellFormed");
    // @ts-expect-error: removed on purpose to take the fallback
    delete String.prototype.isWellFormed;
    try {
      expect(["\ud83d", "a\ude00", "\ud83d\ude00", "Ada"].map(isWellFormed)).toEqual([false, false, true, true]);
    } finally {
      if (native) Object.defineProperty(String.prototype, "isWellFormed", native);
    }
  });
});

describe("character classes", () => {
  it("finds control characters: C0, DEL, C1 and U+0085 NEXT LINE", () => {
    for (const c of ["\u0000", "\t", "\n", "\r", "\u001b", "\u007f", "\u0080", "\u0085", "\u009f"]) expect(hasControlCharacter(`a${c}b`)).toBe(true);
    expect(hasControlCharacter("Ada Lovelace")).toBe(false);
  });
  it("finds every explicit bidi control (UAX #9): LRE RLE PDF LRO RLO and LRI RLI FSI PDI", () => {
    for (let c = 0x202a; c <= 0x202e; c++) expect(hasBidiControl(`Ada${cp(c)}`)).toBe(true);
    for (let c = 0x2066; c <= 0x2069; c++) expect(hasBidiControl(`Ada${cp(c)}`)).toBe(true);
    // the implicit marks are not controls that can reorder what follows
    expect(hasBidiControl("Ada\u200e\u200f")).toBe(false);
  });
  it.each([
    ["zero-width space", "\u200b"],
    ["zero-width joiner and non-joiner", "\u200d\u200c"],
    ["word joiner", "\u2060"],
    ["byte-order mark", "\ufeff"],
    ["soft hyphen", "\u00ad"],
    ["line and paragraph separators", "\u2028\u2029"],
    ["Hangul filler", "\u3164"],
    ["Hangul choseong and jungseong fillers", "\u115f\u1160"],
    ["halfwidth Hangul filler", "\uffa0"],
    ["braille blank", "\u2800"],
    ["variation selector", "\ufe0f"],
    ["ideographic and no-break spaces", "\u3000\u00a0"],
    ["tag characters", "\u{e0041}\u{e0064}"],
    ["a mix with spaces", " \u200b \u3164 \u2800 "],
  ])("sees nothing visible in %s", (_what, s) => {
    expect(hasVisibleText(s)).toBe(false);
  });
  it("sees visible text in letters, emoji and emoji joined by ZWJ", () => {
    for (const s of ["a", "\u200bA\u200b", "👩‍💻", "☃", "。"]) expect(hasVisibleText(s)).toBe(true);
  });
});

describe("nameKey and reserved names", () => {
  it("compares NFKC, case-folded, whitespace-collapsed, invisible-free and look-alike-mapped", () => {
    expect(nameKey("  DELETED\u200b   User\u2060 ")).toBe("deleted user");
    expect(nameKey("ＡＤＡ")).toBe("ada"); // fullwidth, NFKC
    expect(nameKey("Аda")).toBe("ada"); // Cyrillic А
    expect(nameKey("Ada\u3164Lovelace")).toBe("ada lovelace"); // a Hangul filler reads as a space
    expect(nameKey("STRASSE")).toBe(nameKey("straße"));
    expect(nameKey("Ada")).not.toBe(nameKey("Ada L"));
  });
  it.each([
    "Deleted user",
    "deleted user",
    "DELETED USER",
    "Deleted\u200d user",
    "Deleted  user",
    "\u200bDeleted user\u200b",
    "Dеleted user", // Cyrillic е
    "Ｄeleted user",
    "Former Member",
    "you",
    "Y\u200bou",
    "YOU",
    "parley",
    "System",
    "new message",
  ])("reserves %j", (name) => {
    expect(isReservedName(name)).toBe(true);
  });
  it("does not reserve names that merely contain a reserved word", () => {
    for (const name of ["Deleted user fan", "Young", "Yousef", "Parley Bot 2", "Ada"]) expect(isReservedName(name)).toBe(false);
  });
  it("lists each label the interface shows in place of a person", () => {
    expect(RESERVED_NAMES).toEqual(expect.arrayContaining(["Deleted user", "Former member", "You"]));
  });
});

describe("nameProblem", () => {
  it("explains each refusal and passes a good name", () => {
    expect(nameProblem("Ada\u0085", "Display name")).toMatch(/control characters/);
    expect(nameProblem("\u202eAda", "Display name")).toMatch(/text-direction/);
    expect(nameProblem("\u200b", "Title")).toMatch(/visible character/);
    expect(nameProblem("Ada Lovelace 👩‍💻", "Display name")).toBeNull();
  });
});

describe("isolate", () => {
  it("wraps text in FSI … PDI", () => {
    expect(isolate("אבג")).toBe("\u2068אבג\u2069");
  });
});

describe("the schemas apply the rules", () => {
  const messageOf = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0].message;

  it("NFC-normalises names and titles", () => {
    expect(displayNameSchema.parse("Jose\u0301")).toBe("Jos\u00e9");
    expect(groupTitleSchema.parse(" Cafe\u0301 ")).toBe("Caf\u00e9");
    // NFC, not NFKC: a fullwidth letter is kept as typed
    expect(displayNameSchema.parse("Ａda")).toBe("Ａda");
  });
  it.each([
    ["a bidi override", "\u202eAda", /text-direction/],
    ["an isolate", "Ada\u2067x", /text-direction/],
    ["zero-width characters only", "\u200b\u200c\u200d", /visible character/],
    ["Hangul fillers only", "\u3164\u3164", /visible character/],
    ["braille blanks only", "\u2800", /visible character/],
    ["NEXT LINE", "Ada\u0085Byron", /control characters/],
    ["a tab", "Ada\tByron", /control characters/],
    ["a lone surrogate", "Ada \ud83d", /well-formed/],
  ])("refuses %s in a display name and a group title", (_what, value, message) => {
    expect(messageOf(displayNameSchema.safeParse(value))).toMatch(message);
    expect(messageOf(groupTitleSchema.safeParse(value))).toMatch(message);
  });
  it("reserves names for people, not for group titles", () => {
    expect(messageOf(displayNameSchema.safeParse("Deleted\u200d User"))).toBe("That name is reserved");
    expect(groupTitleSchema.parse("System")).toBe("System");
  });
  it("refuses a lone surrogate in any text field as a 400 bad_request", () => {
    expect(messageOf(messageBodySchema.safeParse("hi \ud83d"))).toMatch(/well-formed/);
    try {
      parseInput(profileUpdateSchema, { bio: "\ude00" });
      throw new Error("should have thrown");
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(400);
      expect((e as AppError).code).toBe("bad_request");
      expect((e as AppError).fields?.bio).toMatch(/well-formed/);
    }
  });
});
