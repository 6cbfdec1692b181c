import styles from "./PersonName.module.scss";

/**
 * A person's name as shown next to other text, bidi-isolated (DESIGN Text rules: a name can never
 * reorder what follows it). With `handle`, the `@username` follows the name inside the same
 * isolation, and the name sits in an isolation of its own, so it cannot reorder its handle either.
 * `fit`: for one-line labels that truncate (a sender, a sidebar title): the name is cut before the
 * handle is, since the handle is what tells two same-named people apart.
 */
export function PersonName({ name, handle, fit = false }: { name: string; handle?: string | null; fit?: boolean }) {
  if (!handle) return <bdi>{name}</bdi>;
  return (
    <bdi className={fit ? styles.fit : undefined}>
      <bdi>{name}</bdi> <span className={styles.handle} data-testid="name-handle">@{handle}</span>
    </bdi>
  );
}
