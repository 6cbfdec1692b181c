import { avatarColor, initials } from "@/lib/people/avatar";
import styles from "./Avatar.module.scss";

interface AvatarProps {
  user: { id: string; displayName: string; avatar?: string | null };
  size?: number;
  online?: boolean;
}

export function Avatar({ user, size = 36, online }: AvatarProps) {
  return (
    <span className={styles.avatar} style={{ width: size, height: size, fontSize: size * 0.4, background: avatarColor(user.id) }} aria-hidden="true">
      {initials(user.displayName)}
      {online !== undefined && <span className={online ? styles.online : styles.offline} />}
    </span>
  );
}
