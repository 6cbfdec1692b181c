import { loadEnv } from "@/lib/platform/env";
import { clearedSessionCookie, clearSessionCookieHeader, sessionCookie } from "@/lib/sessions/cookies";
import { authOptions, sessionTokenFromCookies } from "@/lib/http/next-auth";

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

describe("the session cookie (lib/sessions/cookies.ts)", () => {
  afterAll(() => loadEnv());

  it("is cleared with Secure and the __Secure- name under an https public URL, as next-auth sets it", () => {
    loadEnv({ NEXTAUTH_URL: "https://chat.example" });
    const header = clearSessionCookieHeader();
    expect(header.startsWith("__Secure-next-auth.session-token=;")).toBe(true);
    expect(header.split(/;\s*/).slice(1).sort()).toEqual(["HttpOnly", "Max-Age=0", "Path=/", "SameSite=Lax", "Secure"]);
    expect(clearedSessionCookie()).toEqual({ name: "__Secure-next-auth.session-token", value: "", options: { httpOnly: true, sameSite: "lax", path: "/", secure: true, maxAge: 0 } });
    expect(authOptions.cookies?.sessionToken).toEqual(sessionCookie());
    expect(authOptions.cookies?.sessionToken?.options.secure).toBe(true);
  });

  it("is plain and not Secure under http or without a public URL", () => {
    for (const source of [{}, { NEXTAUTH_URL: "http://127.0.0.1:3000" }]) {
      loadEnv(source);
      expect(clearSessionCookieHeader().split(/;\s*/).sort()).toEqual(["HttpOnly", "Max-Age=0", "Path=/", "SameSite=Lax", "next-auth.session-token="]);
      expect(authOptions.cookies?.sessionToken).toEqual({ name: "next-auth.session-token", options: { httpOnly: true, sameSite: "lax", path: "/", secure: false } });
    }
  });
});
