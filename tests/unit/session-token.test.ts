/** decodeSessionToken reads exactly the tokens next-auth's own `decode` reads, and refuses what it refuses. */
import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { decode, encode } from "next-auth/jwt";
import { decodeSessionToken } from "@/lib/http/session-token";

const secret = "a session secret for the tests";
const claims = { sub: "2b1f0c5e-8f8e-4c8e-9a40-7a1c1f3d9e11", name: "Zoë 😀", sid: "8d3c9a52-1b7e-4f0a-9d3e-6c2b5a4e7f10" };

/** A token like next-auth's, with the header and claims given (to make the ones next-auth never writes). */
function forge(header: Record<string, unknown>, payload: unknown, key = Buffer.from(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32))): string {
  const protectedHeader = Buffer.from(JSON.stringify(header)).toString("base64url");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(protectedHeader, "ascii"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload)), cipher.final()]);
  return [protectedHeader, "", iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

const now = () => Math.floor(Date.now() / 1000);

describe("decodeSessionToken", () => {
  it("reads next-auth's own tokens as next-auth's decode does", async () => {
    for (const maxAge of [60, 30 * 24 * 3600]) {
      const token = await encode({ token: claims, secret, maxAge });
      const mine = decodeSessionToken(token, secret);
      expect(mine).toEqual(await decode({ token, secret }));
      expect(mine).toMatchObject(claims);
    }
  });

  it("refuses a token made with another secret", async () => {
    const token = await encode({ token: claims, secret: "another secret" });
    expect(decodeSessionToken(token, secret)).toBeNull();
    await expect(decode({ token, secret })).rejects.toThrow();
  });

  it("refuses a token changed in any part", async () => {
    const token = await encode({ token: claims, secret });
    const parts = token.split(".");
    for (const i of [0, 2, 3, 4]) {
      const bytes = Buffer.from(parts[i], "base64url");
      bytes[bytes.length >> 1] ^= 1;
      const changed = [...parts];
      changed[i] = bytes.toString("base64url");
      expect(decodeSessionToken(changed.join("."), secret)).toBeNull();
    }
    // a shortened tag would still authenticate with a lax decipher: refused
    const short = [...parts];
    short[4] = Buffer.from(parts[4], "base64url").subarray(0, 4).toString("base64url");
    expect(decodeSessionToken(short.join("."), secret)).toBeNull();
  });

  it("refuses what is not a next-auth token", () => {
    for (const junk of ["", "abc", "a.b.c.d.e", "....", `${"x".repeat(10)}.`.repeat(4) + "x"]) expect(decodeSessionToken(junk, secret)).toBeNull();
    expect(decodeSessionToken(forge({ alg: "dir", enc: "A128GCM" }, claims), secret)).toBeNull();
    expect(decodeSessionToken(forge({ alg: "dir", enc: "A256GCM", zip: "DEF" }, claims), secret)).toBeNull();
    expect(decodeSessionToken(forge({ alg: "dir", enc: "A256GCM", crit: ["b64"] }, claims), secret)).toBeNull();
    expect(decodeSessionToken(forge({ alg: "dir", enc: "A256GCM" }, ["not", "claims"]), secret)).toBeNull();
    expect(decodeSessionToken(forge({ alg: "dir", enc: "A256GCM" }, claims), secret)).toEqual(claims);
  });

  it("checks exp, nbf and iat with next-auth's 15 s tolerance, as its decode does", async () => {
    const cases = [
      { exp: now() - 60, ok: false },
      { exp: now() - 5, ok: true },
      { exp: now() + 60, ok: true },
      { exp: "soon", ok: false },
      { nbf: now() + 60, ok: false },
      { nbf: now() + 5, ok: true },
      { iat: "then", ok: false },
      { iat: now(), exp: now() + 60, ok: true },
    ];
    for (const { ok, ...times } of cases) {
      const token = forge({ alg: "dir", enc: "A256GCM" }, { ...claims, ...times });
      const theirs = await decode({ token, secret }).then((p) => p, () => null);
      expect({ times, mine: decodeSessionToken(token, secret) !== null }).toEqual({ times, mine: ok });
      expect(theirs !== null).toBe(ok);
    }
  });
});
