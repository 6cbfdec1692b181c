import { AppError } from "@/lib/errors";
import { parseInput, registerSchema } from "@/lib/validation";

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
