import { hasBidiControl, hasControlCharacter, hasUndisplayableCharacter, hasVisibleText, isReservedName, isWellFormed, isolate, nameKey, nameProblem, RESERVED_NAMES } from "@/lib/platform/text";
import { displayNameSchema, profileUpdateSchema } from "@/lib/people/schemas";
import { groupTitleSchema } from "@/lib/conversations/schemas";
import { messageBodySchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";
import { AppError } from "@/lib/platform/errors";

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
  });
  it.each([
    ["LEFT-TO-RIGHT MARK", "a\u200eb"],
    ["RIGHT-TO-LEFT MARK", "abc\u200F"],
    ["ARABIC LETTER MARK", "\u061Cabc"],
  ])("counts the implicit mark %s as a bidi control (it changes how neutrals next to it are ordered)", (_what, s) => {
    expect(hasBidiControl(s)).toBe(true);
  });
  it("finds the line and paragraph separators (Zl, Zp) with the control characters", () => {
    expect(hasControlCharacter("a\u2028b")).toBe(true);
    expect(hasControlCharacter("Team\u2029Deleted user")).toBe(true);
  });
  it.each([
    ["a private-use character", "\uE000"],
    ["a private-use character in plane 15", "Ada\u{F0000}"],
    ["an unassigned code point", "\u0378"],
    ["the noncharacter U+FFFF", "\uFFFF"],
    ["the noncharacter U+1FFFE", "\u{1FFFE}"],
    ["the noncharacter U+FDD0", "Ada\uFDD0"],
    ["interlinear annotation characters", "\uFFF9x\uFFFB"],
    ["an interlinear annotation separator", "Ada\uFFFA"],
  ])("finds %s as undisplayable", (_what, s) => {
    expect(hasUndisplayableCharacter(s)).toBe(true);
  });
  it("finds nothing undisplayable in letters of many scripts and in emoji", () => {
    for (const s of ["Ada", "Zo\u00eb Ñandú Jürgen", "李小龍", "محمد", "דוד", "अनिल", "👩‍👩‍👧‍👦", "👍🏽"]) expect(hasUndisplayableCharacter(s)).toBe(false);
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
    ["combining marks only", "\u0301\u0301"],
    ["combining marks after a space", " \u0323\u20e3"],
  ])("sees nothing visible in %s", (_what, s) => {
    expect(hasVisibleText(s)).toBe(false);
  });
  it("sees visible text in letters, emoji and emoji joined by ZWJ", () => {
    for (const s of ["a", "\u200bA\u200b", "👩‍💻", "☃", "。", "e\u0301", "अनिल", "สมชาย"]) expect(hasVisibleText(s)).toBe(true);
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
  it("drops combining marks after NFKD, and punctuation at either end", () => {
    expect(nameKey("You\u0323")).toBe("you");
    expect(nameKey("Jos\u00e9")).toBe(nameKey("Jose"));
    expect(nameKey("You.")).toBe("you");
    expect(nameKey("«Deleted user»!")).toBe("deleted user");
    expect(nameKey("Ada-Lovelace")).toBe("ada-lovelace"); // inner punctuation stays
    expect(nameKey("...")).toBe("..."); // punctuation alone is kept, so such names still compare
  });
  it("maps Latin small capitals, Armenian, Cherokee and more Cyrillic and Greek look-alikes to Latin", () => {
    expect(nameKey("ʏᴏᴜ")).toBe("you");
    expect(nameKey("Yօu")).toBe("you"); // Armenian օ
    expect(nameKey("Үou")).toBe("you"); // Cyrillic Ү U+04AE
    expect(nameKey("Deleted usег")).toBe("deleted user"); // Cyrillic е, г
    expect(nameKey("ᎠEᏞETED USER")).toBe("deleted user"); // Cherokee Ꭰ, Ꮮ
    expect(nameKey("Υou")).toBe("you"); // Greek capital upsilon reads Y, not u
    expect(nameKey("Νew message")).toBe("new message"); // Greek capital nu reads N, not v
    expect(nameKey("Pɑrley")).toBe("parley"); // Latin alpha
    // U+0251 LATIN SMALL LETTER ALPHA reads as a (UTS #39), so this reads "Deleted aser", not "Deleted user"
    expect(nameKey("Deleted ɑser")).toBe("deleted aser");
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
    "ʏᴏᴜ", // Latin small capitals
    "Yօu", // Armenian oh
    "Үou", // Cyrillic straight u
    "Υou", // Greek capital upsilon
    "Deleted usег", // Cyrillic ie and ghe
    "Deleted սser", // Armenian seh
    "ᎠEᏞETED USER", // Cherokee a and tle
    "ꭰeleted user", // Cherokee small a
    "You\u0323", // combining dot below
    "You.",
    "(You)",
    "Νew message", // Greek capital nu
    "Pɑrley", // Latin alpha
    "ꜱʏꜱᴛᴇᴍ",
  ])("reserves %j", (name) => {
    expect(isReservedName(name)).toBe(true);
  });
  it("does not reserve names that merely contain a reserved word", () => {
    for (const name of ["Deleted user fan", "Young", "Yousef", "Parley Bot 2", "Ada", "Young.", "You2", "Y.o.u"]) expect(isReservedName(name)).toBe(false);
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
    expect(nameProblem("a\u2028b", "Display name")).toBe("Display name may not contain control characters or line breaks");
    expect(nameProblem("abc\u200F", "Display name")).toBe("Display name may not contain text-direction control characters or marks");
    expect(nameProblem("\uE000", "Title")).toBe("Title may not contain private-use, unassigned or annotation characters");
    expect(nameProblem("\u0301\u0301", "Title")).toBe("Title needs at least one visible character");
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
    ["a line separator", "a\u2028b", /control characters or line breaks/],
    ["a paragraph separator (it ends bidi isolation)", "Team\u2029Deleted user", /control characters or line breaks/],
    ["a right-to-left mark", "abc\u200F", /text-direction/],
    ["a left-to-right mark", "Ada\u200eByron", /text-direction/],
    ["an Arabic letter mark", "\u061Cabc", /text-direction/],
    ["combining marks only", "\u0301\u0301", /visible character/],
    ["a private-use character", "\uE000", /private-use/],
    ["an unassigned code point", "\u0378", /unassigned/],
    ["the noncharacter U+FFFF", "\uFFFF", /unassigned/],
    ["the noncharacter U+1FFFE", "\u{1FFFE}", /unassigned/],
    ["interlinear annotation characters", "\uFFF9x\uFFFB", /annotation/],
  ])("refuses %s in a display name and a group title", (_what, value, message) => {
    expect(messageOf(displayNameSchema.safeParse(value))).toMatch(message);
    expect(messageOf(groupTitleSchema.safeParse(value))).toMatch(message);
  });
  it.each([
    ["accented letters in NFC", "Zo\u00eb Ñandú Jürgen"],
    ["accented letters typed decomposed", "Zoe\u0308"],
    ["an emoji ZWJ sequence", "👩‍👩‍👧‍👦 Family"],
    ["an emoji with a skin tone and a keycap", "👍🏽 1\ufe0f\u20e3"],
    ["a flag", "🇳🇿 Kiri"],
    ["CJK", "李小龍"],
    ["Japanese with voiced marks", "がくと"],
    ["Arabic", "محمد علي"],
    ["Hebrew", "דוד כהן"],
    ["Hindi", "अनिल कुमार"],
    ["Thai", "สมชาย"],
    ["Greek", "Ελένη"],
    ["Cyrillic", "Анна"],
    ["Armenian", "Արամ"],
    ["Cherokee", "ᏣᎳᎩ"],
  ])("keeps %s valid as a display name and a group title", (_what, value) => {
    expect(displayNameSchema.parse(value)).toBe(value.normalize("NFC"));
    expect(groupTitleSchema.parse(value)).toBe(value.normalize("NFC"));
  });
  it("leaves message bodies alone: separators, marks, private use and look-alikes are kept", () => {
    const body = "line\u2028two \u200fמרק \u061C \uE000 \u0301 \uFFF9x\uFFFB You. ʏᴏᴜ";
    expect(messageBodySchema.parse(body)).toBe(body);
  });
  it("reserves look-alikes of the interface's labels in display names only", () => {
    for (const name of ["ʏᴏᴜ", "Yօu", "Үou", "Deleted usег", "ᎠEᏞETED USER", "You\u0323", "You."]) {
      expect(messageOf(displayNameSchema.safeParse(name))).toBe("That name is reserved");
      expect(groupTitleSchema.safeParse(name).success).toBe(true);
    }
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
