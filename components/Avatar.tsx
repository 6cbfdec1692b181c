import { avatarColor, initials } from "@/lib/people/avatar";
import styles from "./Avatar.module.scss";

interface AvatarProps {
  user: { id: string; displayName: string; avatar?: string | null };
  size?: number;
  /** a presence dot: green online, grey offline; none when undefined (a group, or presence unknown) */
  online?: boolean;
}

/** The uploaded image (`user.avatar`, a URL) or initials on a colour from the user id, with an optional presence dot. */
export function Avatar({ user, size = 36, online }: AvatarProps) {
  return (
    <span className={styles.avatar} style={{ width: size, height: size, fontSize: size * 0.4, background: avatarColor(user.id) }} aria-hidden="true">
      {user.avatar ? <img className={styles.image} src={user.avatar} alt="" width={size} height={size} decoding="async" /> : initials(user.displayName)}
      {online !== undefined && <span className={online ? styles.online : styles.offline} data-presence={online ? "online" : "offline"} />}
    </span>
  );
}
