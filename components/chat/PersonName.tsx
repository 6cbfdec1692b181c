import styles from "./PersonName.module.scss";

/**
 * A person's name as shown next to other text, bidi-isolated (DESIGN Text rules: a name can never
 * reorder what follows it). With `handle`, the `@username` follows the name inside the same
 * isolation, and the name sits in an isolation of its own, so it cannot reorder its handle either.
 */
export function PersonName({ name, handle, className }: { name: string; handle?: string | null; className?: string }) {
  if (!handle) return <bdi className={className}>{name}</bdi>;
  return (
    <bdi className={className} data-has-handle="">
      <bdi>{name}</bdi> <span className={styles.handle} data-testid="name-handle">@{handle}</span>
    </bdi>
  );
}
