import { AppError } from "@/lib/platform/errors";
import { messageBodySchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";
import { registerSchema } from "@/lib/accounts/schemas";

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
