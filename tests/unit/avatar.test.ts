import { AVATAR_PALETTE, avatarColor, initials } from "@/lib/people/avatar";

describe("avatar", () => {
  it("derives initials from the first and last word", () => {
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("grace brewster murray hopper")).toBe("GH");
    expect(initials("  cher ")).toBe("C");
    expect(initials("😀 smile")).toBe("😀S");
    expect(initials("   ")).toBe("?");
    // invisible and direction characters are no initials
    expect(initials("\u200bada \u202eevE")).toBe("AE");
    expect(initials("\u3164")).toBe("?");
  });

  it("gives each user a stable colour from the palette", () => {
    const id = "7b0c1d8e-3f3a-4a53-9a55-2a4b0c1d8e3f";
    expect(avatarColor(id)).toBe(avatarColor(id));
    expect(AVATAR_PALETTE).toContain(avatarColor(id));
    const spread = new Set(Array.from({ length: 50 }, (_, i) => avatarColor(`user-${i}`)));
    expect(spread.size).toBeGreaterThan(4);
  });
});
