import Link from "next/link";
import { Avatar } from "@/components/Avatar";
import { MessageButton } from "@/components/chat/conversation/MessageButton";
import type { PublicUser } from "@/lib/people/types";
import styles from "./People.module.scss";

/** "March 2026": the month the account was made, in the reader's zone (an IANA name). */
function joined(createdAt: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone }).format(new Date(createdAt));
}

/**
 * A person's profile (/u/[username]), rendered on the server: the month they joined reads as the
 * reader's calendar has it (`timeZone`, from the tz cookie: lib/http/time-zone.ts), not the server's.
 */
export function ProfileCard({ profile, isSelf, timeZone }: { profile: PublicUser; isSelf: boolean; timeZone: string }) {
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
      <p className={styles.meta}>Joined {joined(profile.createdAt, timeZone)}</p>
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
