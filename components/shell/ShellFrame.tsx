"use client";

import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import styles from "./AppShell.module.scss";

/** On phones the list (at /) and every other page are separate screens. */
export function ShellFrame({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  return (
    <div className={styles.shell} data-pane={pathname === "/" ? "list" : "main"}>
      {children}
    </div>
  );
}
