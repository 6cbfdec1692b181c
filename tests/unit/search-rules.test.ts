/** The search box's query language and word splitting (lib/search/rules.ts), and day bounds in a zone (lib/search/dates.ts). */
import { boundInstant, dayStart } from "@/lib/search/dates";
import { parseSearchQuery, searchWords } from "@/lib/search/rules";

describe("parseSearchQuery", () => {
  test.each([
    ["hello world", [{ text: "hello", negated: false }, { text: "world", negated: false }]],
    ['"sent the files" -draft', [{ text: "sent the files", negated: false }, { text: "draft", negated: true }]],
    ["“curly quotes” -“not this”", [{ text: "curly quotes", negated: false }, { text: "not this", negated: true }]],
    ['"unclosed phrase', [{ text: "unclosed phrase", negated: false }]],
    ['- -- "" "  " x', [{ text: "x", negated: false }]],
    ["e-mail re-send", [{ text: "e-mail", negated: false }, { text: "re-send", negated: false }]],
    ["  ", []],
  ])("%j", (q, terms) => expect(parseSearchQuery(q)).toEqual(terms));
});

describe("searchWords", () => {
  test("splits on punctuation and symbols of any script, and each character of a script without spaces", () => {
    expect(searchWords("Hello—world «quoted» emoji👍here 私は東京。ทดสอบ e-mail x²").map((w) => w.word)).toEqual([
      "Hello", "world", "quoted", "emoji", "here", "私", "は", "東", "京", "ท", "ด", "ส", "อ", "บ", "e", "mail", "x²",
    ]);
  });
  test("offsets index the text, astral characters included", () => {
    const text = "𠮷野家 café";
    expect(searchWords(text).map((w) => text.slice(w.start, w.end))).toEqual(["𠮷", "野", "家", "café"]);
  });
});

describe("day bounds", () => {
  test("a day starts at the zone's midnight, through daylight-saving changes", () => {
    expect(dayStart({ year: 2026, month: 3, day: 11 }, "UTC").toISOString()).toBe("2026-03-11T00:00:00.000Z");
    expect(dayStart({ year: 2026, month: 3, day: 11 }, "Asia/Tokyo").toISOString()).toBe("2026-03-10T15:00:00.000Z");
    expect(dayStart({ year: 2026, month: 3, day: 8 }, "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(dayStart({ year: 2026, month: 3, day: 9 }, "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(dayStart({ year: 2026, month: 1, day: 1 }, "Pacific/Kiritimati").toISOString()).toBe("2025-12-31T10:00:00.000Z");
  });
  test("before a day is its start; after a day is the next day's start; a time is itself", () => {
    const day = { day: { year: 2026, month: 12, day: 31 } };
    expect(boundInstant(day, "before", "UTC").toISOString()).toBe("2026-12-31T00:00:00.000Z");
    expect(boundInstant(day, "after", "UTC").toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(boundInstant(day, "after", "Europe/Paris").toISOString()).toBe("2026-12-31T23:00:00.000Z");
    const at = new Date("2026-05-05T05:05:05Z");
    expect(boundInstant({ at }, "after", "Asia/Tokyo")).toBe(at);
  });
});
