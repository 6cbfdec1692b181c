"use client";

import { useEffect, useState } from "react";
import styles from "./Chat.module.scss";

/** A thin bar while the realtime connection is down; it goes away by itself once back. */
export function ReconnectBanner({ connection }: { connection: "connecting" | "connected" | "reconnecting" }) {
  // a blip shorter than a second is not worth a flash
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (connection !== "reconnecting") {
      setShown(false);
      return;
    }
    const t = setTimeout(() => setShown(true), 1_000);
    return () => clearTimeout(t);
  }, [connection]);
  return (
    <div role="status" aria-live="polite" className={styles.banner} data-shown={shown ? "true" : undefined}>
      {shown ? "Reconnecting…" : ""}
    </div>
  );
}
