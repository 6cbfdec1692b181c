"use client";

import { useEffect, useState } from "react";
import styles from "../Chat.module.scss";

/** Offers desktop notifications once; nothing is shown before the person allows them. */
export function NotificationToggle() {
  const [permission, setPermission] = useState<NotificationPermission | "unsupported" | null>(null);

  useEffect(() => {
    setPermission(typeof Notification === "undefined" ? "unsupported" : Notification.permission);
  }, []);

  if (permission !== "default") return null;
  return (
    <button
      type="button"
      className={styles.notify}
      onClick={() => {
        void Notification.requestPermission().then(setPermission);
      }}
    >
      <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0" />
      </svg>
      Enable notifications
    </button>
  );
}
