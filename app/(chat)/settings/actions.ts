"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changePassword as changePasswordIn, deleteAccount as deleteAccountIn } from "@/lib/accounts/settings";
import { actionWithSession } from "@/lib/http/action";
import { clearSessionCookie } from "@/lib/http/current-session";
import { updateProfile as updateProfileIn } from "@/lib/people/profile";
import { changePasswordSchema, deleteAccountSchema } from "@/lib/accounts/schemas";
import { profileUpdateSchema } from "@/lib/people/schemas";

export const updateProfile = actionWithSession(profileUpdateSchema, ["displayName", "bio"], async (input, { user }) => {
  await updateProfileIn({ userId: user.id, changes: input });
  revalidatePath("/", "layout"); // the shell shows the name too
  return "Profile saved";
});

export const changePassword = actionWithSession(changePasswordSchema, ["currentPassword", "newPassword"], async (input, { user, session }) => {
  await changePasswordIn({ userId: user.id, sessionId: session.id, ...input });
  return "Password changed. Your other devices were signed out.";
});

export const deleteAccount = actionWithSession(deleteAccountSchema, ["password"], async ({ password }, { user, session }) => {
  await deleteAccountIn({ userId: user.id, sessionId: session.id, password });
  await clearSessionCookie();
  redirect("/login?deleted=1");
});
