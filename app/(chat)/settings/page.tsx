import type { Metadata } from "next";
import { AvatarSettings } from "@/components/settings/AvatarSettings";
import { DangerZone } from "@/components/settings/DangerZone";
import { PasswordForm } from "@/components/settings/PasswordForm";
import { ProfileForm } from "@/components/settings/ProfileForm";
import styles from "@/components/settings/Settings.module.scss";
import page from "@/components/settings/SettingsPage.module.scss";
import { PageHeader } from "@/components/shell/PageHeader";
import { requireSession } from "@/lib/http/current-session";
import { toPublicUser } from "@/lib/people/types";
import { changePassword, deleteAccount, updateProfile } from "./actions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const { user } = await requireSession();
  return (
    <>
      <PageHeader title="Settings" />
      <div className={page.page}>
        <section className={styles.section} aria-labelledby="profile-heading">
          <h2 id="profile-heading" className={styles.heading}>
            Profile
          </h2>
          <p className={styles.lead}>
            How others see you: your picture, or your initials on a colour of your own. Profile:{" "}
            <a href={`/u/${user.username}`}>@{user.username}</a>
          </p>
          <AvatarSettings user={toPublicUser(user)} />
          <ProfileForm action={updateProfile} profile={{ displayName: user.displayName, bio: user.bio }} />
        </section>

        <section className={styles.section} aria-labelledby="password-heading">
          <h2 id="password-heading" className={styles.heading}>
            Password
          </h2>
          <p className={styles.lead}>Changing it signs you out everywhere else.</p>
          <PasswordForm action={changePassword} />
        </section>

        <section className={styles.section} aria-labelledby="export-heading">
          <h2 id="export-heading" className={styles.heading}>
            Your data
          </h2>
          <p className={styles.lead}>Download your profile, conversations and messages as JSON.</p>
          <a className={styles.linkButton} href="/api/me/export" download>
            Export my data
          </a>
        </section>

        <section className={styles.danger} aria-labelledby="danger-heading">
          <h2 id="danger-heading" className={styles.heading}>
            Delete account
          </h2>
          <p className={styles.lead}>Deleting your account cannot be undone.</p>
          <DangerZone action={deleteAccount} />
        </section>
      </div>
    </>
  );
}
