/**
 * Reading next-auth's session token (its JWT cookie) without deriving its key each time. next-auth's
 * `decode` derives the encryption key from the secret with HKDF on every call; that was ~10 % of the
 * server's time in a reconnect storm (issue 15, item 5: 10,000 handshakes, each decoding a cookie),
 * for a key that is the same on every call. Here it is derived once per secret. The token format is
 * next-auth 4's (next-auth/jwt `encode`): a compact JWE, `alg: "dir"`, `enc: "A256GCM"`, key =
 * HKDF-SHA256(secret, salt "", info "NextAuth.js Generated Encryption Key", 32 bytes); the claims are
 * checked as its `decode` (jose's jwtDecrypt) checks them, with its 15 s clock tolerance.
 */
import "server-only";
import { createDecipheriv, hkdfSync } from "node:crypto";

const CLOCK_TOLERANCE_S = 15;
const INFO = "NextAuth.js Generated Encryption Key";
/** Derived keys by secret (one in practice; a few while tests switch secrets). */
const keys = new Map<string, Buffer>();

function encryptionKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 4) keys.clear();
    key = Buffer.from(hkdfSync("sha256", secret, "", INFO, 32));
    keys.set(secret, key);
  }
  return key;
}

function json(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The claims of a session token made by next-auth with `secret` (`{ sub, name, sid, iat, exp, jti }`
 * for Parley's), or null when it is not one: malformed, another algorithm, made with another secret,
 * tampered with, expired (`exp` more than 15 s ago) or not yet valid (`nbf`).
 */
export function decodeSessionToken(token: string, secret: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 5) return null;
  const [protectedHeader, encryptedKey, ivText, ciphertextText, tagText] = parts;
  const header = json(Buffer.from(protectedHeader, "base64url"));
  // exactly what next-auth writes: no compression, no critical extensions, no wrapped key
  if (!isRecord(header) || header.alg !== "dir" || header.enc !== "A256GCM" || "zip" in header || "crit" in header || encryptedKey !== "") return null;
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== 12 || tag.length !== 16) return null;
  let payload: unknown;
  try {
    const decipher = createDecipheriv("aes-256-gcm", encryptionKey(secret), iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(protectedHeader, "ascii"));
    decipher.setAuthTag(tag);
    payload = json(Buffer.concat([decipher.update(Buffer.from(ciphertextText, "base64url")), decipher.final()]));
  } catch {
    return null; // another key, or tampered with: the tag does not match
  }
  if (!isRecord(payload)) return null;
  const now = Math.floor(Date.now() / 1000);
  if ("exp" in payload && (typeof payload.exp !== "number" || payload.exp <= now - CLOCK_TOLERANCE_S)) return null;
  if ("nbf" in payload && (typeof payload.nbf !== "number" || payload.nbf > now + CLOCK_TOLERANCE_S)) return null;
  if ("iat" in payload && typeof payload.iat !== "number") return null;
  return payload;
}
