/**
 * Bytes and percent-escapes to text, strictly (DESIGN Text rules: every input is well-formed
 * Unicode): what is not UTF-8 is refused with 400 `bad_request`, never replaced with U+FFFD. Used
 * by lib/http/route.ts (request bodies), the sign-in readers and server.ts (API query strings).
 */
import "server-only";
import { AppError } from "./errors";

/** Strict UTF-8 (WHATWG "fatal"); a byte-order mark is kept, as before, so JSON.parse refuses it. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * `bytes` as text, refusing bytes that are not UTF-8 (an overlong form, an encoded surrogate such
 * as ED A0 80, a cut sequence) with 400 `bad_request` instead of replacing them with U+FFFD: the
 * DESIGN Text rules' "well-formed Unicode" on the byte level, so nothing is silently altered.
 */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new AppError("bad_request", `${what} is not valid UTF-8 text`);
  }
}

const HEX = /^[0-9a-f]{2}$/i;

/** One name or value of a form or query: `+` is a space, `%XX` a byte, and the bytes must be UTF-8. */
function formComponent(raw: string, what: string): string {
  const bytes = Buffer.from(raw.replace(/\+/g, " "), "utf8");
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes[i] === 0x25 ? bytes.subarray(i + 1, i + 3).toString("latin1") : "";
    if (HEX.test(hex)) {
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else out[n++] = bytes[i]; // a "%" that starts no escape stays itself (as URLSearchParams reads it)
  }
  return decodeUtf8(out.subarray(0, n), what);
}

/**
 * `application/x-www-form-urlencoded` text (a form body, or a query string without its "?") as
 * URLSearchParams, read like URLSearchParams reads it except that percent-escapes which do not
 * form UTF-8 (`%ED%A0%80`, an encoded lone surrogate; `%FF`) are 400 `bad_request`, not U+FFFD.
 */
export function parseForm(text: string, what = "The form"): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of text.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    params.append(formComponent(eq === -1 ? pair : pair.slice(0, eq), what), formComponent(eq === -1 ? "" : pair.slice(eq + 1), what));
  }
  return params;
}
