/** Account fields: registration, sign-in, password change, deletion (browser-safe: the forms check with them). */
import { z } from "zod";
import { textLength } from "../platform/text-length";
import { str } from "../platform/validation";
import { displayNameSchema, USERNAME } from "../people/schemas";

export const ACCOUNT_LIMITS = {
  usernameMin: USERNAME.min,
  usernameMax: USERNAME.max,
  emailMax: 254,
  passwordMin: 8,
  // argon2 hashes anything, but hashing megabytes per attempt is a cheap denial of service.
  passwordMax: 200,
} as const;

export const usernameSchema = str("Username")
  .max(200, `Username must be at most ${ACCOUNT_LIMITS.usernameMax} characters`)
  .trim()
  .toLowerCase()
  .min(ACCOUNT_LIMITS.usernameMin, `Username must be at least ${ACCOUNT_LIMITS.usernameMin} characters`)
  .max(ACCOUNT_LIMITS.usernameMax, `Username must be at most ${ACCOUNT_LIMITS.usernameMax} characters`)
  .regex(USERNAME.chars, "Username may contain only letters, digits and _");

export const emailSchema = str("Email")
  .max(1000, "Enter a valid email address")
  .trim()
  .toLowerCase()
  .max(ACCOUNT_LIMITS.emailMax, "Enter a valid email address")
  .pipe(z.email({ error: "Enter a valid email address" }));

const PASSWORD_SHORT = `Password must be at least ${ACCOUNT_LIMITS.passwordMin} characters`;
const PASSWORD_LONG = `Password must be at most ${ACCOUNT_LIMITS.passwordMax} characters`;

export const passwordSchema = str("Password").min(ACCOUNT_LIMITS.passwordMin, PASSWORD_SHORT).max(ACCOUNT_LIMITS.passwordMax, PASSWORD_LONG);

/**
 * The forms' check of a new password's length before sending, in code points like
 * {@link passwordSchema} (lib/platform/text-length.ts textLength; not HTML `minLength`, which counts UTF-16
 * units and takes "😀😀😀😀" as 8): the server's message, or undefined when the length is fine.
 */
export function passwordLengthProblem(password: string): string | undefined {
  const n = textLength(password);
  if (n < ACCOUNT_LIMITS.passwordMin) return PASSWORD_SHORT;
  if (n > ACCOUNT_LIMITS.passwordMax) return PASSWORD_LONG;
  return undefined;
}


export const registerSchema = z
  .strictObject(
    {
      username: usernameSchema,
      email: emailSchema,
      password: passwordSchema,
      displayName: displayNameSchema,
    },
    { error: "Expected an object with username, email, password and displayName" },
  )
  .refine((v) => v.password.toLowerCase() !== v.username, {
    path: ["password"],
    message: "Password must not be your username",
  });
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z.object({
  login: str("Username or email").trim().toLowerCase().min(1, "Enter your username or email").max(ACCOUNT_LIMITS.emailMax, "Unknown username or email"),
  password: str("Password").min(1, "Enter your password").max(ACCOUNT_LIMITS.passwordMax, "Wrong password"),
});
export type LoginInput = z.infer<typeof loginSchema>;

export const changePasswordSchema = z
  .strictObject(
    {
      currentPassword: str("Current password").min(1, "Enter your current password").max(ACCOUNT_LIMITS.passwordMax, "Wrong password"),
      newPassword: passwordSchema,
    },
    { error: "Expected an object with currentPassword and newPassword" },
  )
  .refine((v) => v.currentPassword !== v.newPassword, { path: ["newPassword"], message: "Choose a password different from the current one" });

export const deleteAccountSchema = z.strictObject(
  { password: str("Password").min(1, "Enter your password to confirm").max(ACCOUNT_LIMITS.passwordMax, "Wrong password") },
  { error: "Expected an object with password" },
);
