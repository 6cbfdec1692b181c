/**
 * Account limits and the password-length rule (browser-safe, zod-free): the registration and
 * password forms check with these, and the server's schemas (./schemas) are built on them.
 */
import { textLength } from "../platform/text-length";
import { USERNAME } from "../people/rules";

export const ACCOUNT_LIMITS = {
  usernameMin: USERNAME.min,
  usernameMax: USERNAME.max,
  emailMax: 254,
  passwordMin: 8,
  // argon2 hashes anything, but hashing megabytes per attempt is a cheap denial of service.
  passwordMax: 200,
} as const;

const PASSWORD_SHORT = `Password must be at least ${ACCOUNT_LIMITS.passwordMin} characters`;
const PASSWORD_LONG = `Password must be at most ${ACCOUNT_LIMITS.passwordMax} characters`;

/**
 * The forms' check of a new password's length before sending, in code points like the server's
 * `passwordSchema` (lib/platform/text-length.ts textLength; not HTML `minLength`, which counts UTF-16
 * units and takes "😀😀😀😀" as 8): the server's message, or undefined when the length is fine.
 */
export function passwordLengthProblem(password: string): string | undefined {
  const n = textLength(password);
  if (n < ACCOUNT_LIMITS.passwordMin) return PASSWORD_SHORT;
  if (n > ACCOUNT_LIMITS.passwordMax) return PASSWORD_LONG;
  return undefined;
}
