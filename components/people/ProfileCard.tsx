import Link from "next/link";
import { Avatar } from "@/components/Avatar";
import { MessageButton } from "@/components/chat/conversation/MessageButton";
import type { PublicUser } from "@/lib/people/types";
import styles from "./People.module.scss";

const joined = new Intl.DateTimeFormat("en", { month: "long", year: "numeric" });

export function ProfileCard({ profile, isSelf }: { profile: PublicUser; isSelf: boolean }) {
  return (
    <article className={styles.profile} aria-label={`Profile of ${profile.displayName}`}>
      <Avatar user={profile} size={96} />
      <h2 className={styles.profileName} data-testid="profile-name">
        {profile.displayName}
      </h2>
      <p className={styles.handle}>@{profile.username}</p>
      {profile.bio ? (
        <p className={styles.bio} data-testid="profile-bio">
          {profile.bio}
        </p>
      ) : (
        <p className={styles.noBio}>No bio yet.</p>
      )}
      <p className={styles.meta}>Joined {joined.format(new Date(profile.createdAt))}</p>
      {isSelf ? (
        <Link className={styles.editLink} href="/settings">
          Edit profile
        </Link>
      ) : (
        <MessageButton userId={profile.id} className={styles.messageButton} />
      )}
    </article>
  );
}
