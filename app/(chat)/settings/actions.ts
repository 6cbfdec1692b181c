"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changePassword as changePasswordIn, deleteAccount as deleteAccountIn } from "@/lib/account";
import { actionWithSession } from "@/lib/actions";
import { clearSessionCookie } from "@/lib/current-user";
import { updateProfile as updateProfileIn } from "@/lib/people";
import { changePasswordSchema, deleteAccountSchema, profileUpdateSchema } from "@/lib/validation";

export const updateProfile = actionWithSession(profileUpdateSchema, ["displayName", "bio"], async (input, { user }) => {
  await updateProfileIn(user.id, input);
  revalidatePath("/", "layout"); // the shell shows the name too
  return "Profile saved";
});

export const changePassword = actionWithSession(changePasswordSchema, ["currentPassword", "newPassword"], async (input, { user, session }) => {
  await changePasswordIn(user.id, session.id, input);
  return "Password changed. Your other devices were signed out.";
});

export const deleteAccount = actionWithSession(deleteAccountSchema, ["password"], async ({ password }, { user, session }) => {
  await deleteAccountIn(user.id, session.id, password);
  await clearSessionCookie();
  redirect("/login?deleted=1");
});
