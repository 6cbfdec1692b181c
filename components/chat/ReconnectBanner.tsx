"use client";

import { useEffect, useState } from "react";
import styles from "./Chat.module.scss";
import type { ChatState } from "./client/state";

/**
 * A thin bar across the top while the realtime connection is down; it goes away by itself once
 * back. While it shows, the app below moves down to make room (app/globals.scss `--banner-offset`),
 * so it covers no title. When the server refused this page's origin (reached at an address other
 * than the app's own) it says so at once and stays: reconnecting cannot help. `data-connection`
 * carries the state itself (connecting, connected, reconnecting, refused), which tests wait on.
 */
export function ReconnectBanner({ connection }: { connection: ChatState["connection"] }) {
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
  if (connection === "refused") {
    return (
      <div role="status" aria-live="polite" className={styles.banner} data-connection-banner data-connection={connection} data-shown="true">
        Live updates refused at this address
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" className={styles.banner} data-connection-banner data-connection={connection} data-shown={shown ? "true" : undefined}>
      {shown ? "Reconnecting…" : ""}
    </div>
  );
}
