/**
 * Account fields as zod schemas for the server: registration, sign-in, password change, deletion.
 * The limits and the password-length messages are ./rules's, which the forms import.
 */
import { z } from "zod";
import { str } from "../platform/validation";
import { RESERVED_USERNAMES, USERNAME } from "../people/rules";
import { displayNameSchema } from "../people/schemas";
import { ACCOUNT_LIMITS, passwordLengthProblem } from "./rules";

export const usernameSchema = str("Username")
  .max(200, `Username must be at most ${ACCOUNT_LIMITS.usernameMax} characters`)
  .trim()
  .toLowerCase()
  .min(ACCOUNT_LIMITS.usernameMin, `Username must be at least ${ACCOUNT_LIMITS.usernameMin} characters`)
  .max(ACCOUNT_LIMITS.usernameMax, `Username must be at most ${ACCOUNT_LIMITS.usernameMax} characters`)
  .regex(USERNAME.chars, "Username may contain only letters, digits and _")
  .refine((v) => !RESERVED_USERNAMES.includes(v), "That username is reserved: @all and @here mention everyone");

export const emailSchema = str("Email")
  .max(1000, "Enter a valid email address")
  .trim()
  .toLowerCase()
  .max(ACCOUNT_LIMITS.emailMax, "Enter a valid email address")
  .pipe(z.email({ error: "Enter a valid email address" }));

/** A new password: its length by ./rules `passwordLengthProblem`, the forms' own check. */
export const passwordSchema = str("Password").superRefine((v, ctx) => {
  const problem = passwordLengthProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

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
