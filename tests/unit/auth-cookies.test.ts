import { sessionTokenFromCookies } from "@/lib/sessions/next-auth";

describe("sessionTokenFromCookies", () => {
  it("reads the plain and the __Secure- cookie", () => {
    expect(sessionTokenFromCookies({ "next-auth.session-token": "abc" })).toBe("abc");
    expect(sessionTokenFromCookies({ "__Secure-next-auth.session-token": "sec" })).toBe("sec");
  });

  it("joins next-auth's chunked cookies in order", () => {
    expect(
      sessionTokenFromCookies({ "next-auth.session-token.1": "def", "next-auth.session-token.0": "abc", "next-auth.session-token.2": "ghi" }),
    ).toBe("abcdefghi");
  });

  it("returns null without a session cookie", () => {
    expect(sessionTokenFromCookies({ "next-auth.csrf-token": "x" })).toBeNull();
  });
});
