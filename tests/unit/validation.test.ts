import fc from "fast-check";
import type { z } from "zod";
import { AppError } from "@/lib/platform/errors";
import { messageBodySchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";
import { passwordSchema, registerSchema } from "@/lib/accounts/schemas";
import { groupTitleSchema } from "@/lib/conversations/schemas";
import { checkMessageBody } from "@/lib/messages/rules";
import { checkGroupTitle } from "@/lib/conversations/rules";
import { passwordLengthProblem } from "@/lib/accounts/rules";
import { textProblem } from "@/lib/platform/field-checks";

const valid = { username: "ada_99", email: "ada@example.com", password: "engines!", displayName: "Ada" };

describe("registerSchema", () => {
  it("normalises username and email to lowercase and trims the display name", () => {
    expect(registerSchema.parse({ ...valid, username: " Ada_99 ", email: " ADA@Example.COM ", displayName: "  Ada  " })).toEqual({
      ...valid,
    });
  });

  it.each([
    ["ab", "at least 3"],
    ["a".repeat(33), "at most 32"],
    ["ada-lovelace", "letters, digits and _"],
    ["ada lovelace", "letters, digits and _"],
    ["ädä", "letters, digits and _"],
  ])("refuses the username %j", (username, message) => {
    const r = registerSchema.safeParse({ ...valid, username });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toContain(message);
  });

  it("refuses a short password and a password equal to the username in any case", () => {
    expect(() => parseInput(registerSchema, { ...valid, password: "seven77" })).toThrow(AppError);
    const r = registerSchema.safeParse({ ...valid, username: "longname1", password: "LONGNAME1" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0])).toEqual(["password"]);
  });

  it("refuses unknown fields and reports them per field", () => {
    try {
      parseInput(registerSchema, { ...valid, role: "admin" });
      throw new Error("should have thrown");
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(400);
      expect((e as AppError).fields).toEqual({ role: "Unknown field" });
    }
  });

  it("refuses control characters in display names and over-long values", () => {
    expect(registerSchema.safeParse({ ...valid, displayName: "a\u0000b" }).success).toBe(false);
    expect(registerSchema.safeParse({ ...valid, displayName: "d".repeat(65) }).success).toBe(false);
    expect(registerSchema.safeParse({ ...valid, password: "p".repeat(201) }).success).toBe(false);
    expect(registerSchema.safeParse({ ...valid, email: `${"e".repeat(250)}@x.io` }).success).toBe(false);
  });
});

describe("messageBodySchema", () => {
  it("refuses a body of only invisible characters, which would show as an empty bubble", () => {
    for (const body of ["\u200b", "\u3164\u3164", "\u2800", "\u00ad", "\u2063", " \u200b\u200d "]) {
      const parsed = messageBodySchema.safeParse(body);
      expect([JSON.stringify(body), parsed.success]).toEqual([JSON.stringify(body), false]);
    }
    expect(messageBodySchema.safeParse("\u200b").error?.issues[0].message).toBe("A message needs some visible text");
  });

  it("keeps bodies with anything visible: emoji, a letter between invisibles", () => {
    for (const body of ["❤️", "👍🏽", "\u200ba\u200b", "ㅤhi", "1"]) expect(messageBodySchema.safeParse(body).success).toBe(true);
  });
});

describe("the browser's checks are the server's schemas (rules.ts, zod-free, in the pages' JavaScript)", () => {
  const answer = (r: z.ZodSafeParseResult<string>) => (r.success ? { success: true, data: r.data } : { success: false, message: r.error.issues[0].message });
  // pieces that hit every rule: marks (towers), invisibles, a lone surrogate, NUL, bidi, private use, line breaks
  const piece = fc.constantFrom("a", " ", "\u0301", "\u0301".repeat(31), "\u200b", "\ud83d", "\u0000", "😀", "\u202e", "\ue000", "\n", "\u3164", "e", "x".repeat(63));
  const text = fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.array(piece, { maxLength: 12 }).map((a) => a.join("")));

  it("answers what the schemas answer, refusal word for word and value as stored, for any text", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(checkMessageBody(s)).toEqual(answer(messageBodySchema.safeParse(s)));
        expect(checkGroupTitle(s)).toEqual(answer(groupTitleSchema.safeParse(s)));
        // the password form checks only the length; the base rules are the server's to answer
        if (textProblem(s, "Password") === null) expect(passwordLengthProblem(s)).toBe(passwordSchema.safeParse(s).error?.issues[0].message);
      }),
      { numRuns: 2000 },
    );
    for (const s of ["x".repeat(4001), ` ${"😀".repeat(4000)} `, "x".repeat(16_001), " Cafe\u0301 ", "t".repeat(65)]) {
      expect(checkMessageBody(s)).toEqual(answer(messageBodySchema.safeParse(s)));
      expect(checkGroupTitle(s)).toEqual(answer(groupTitleSchema.safeParse(s)));
    }
  });
});
