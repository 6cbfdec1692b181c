"use client";

import { useEffect, useId, useState } from "react";
import { desktopNotificationsWanted, desktopNotificationState, setDesktopNotificationsWanted, type DesktopNotificationState } from "../client/notification-preference";
import styles from "./Notifications.module.scss";

const read = (): DesktopNotificationState => desktopNotificationState(typeof Notification === "undefined" ? "unsupported" : Notification.permission, desktopNotificationsWanted());

/**
 * The sidebar's "Desktop notifications" switch, showing its state: on, off, or blocked by the
 * browser (then a note says where to allow them). Turning it on asks the browser's permission the
 * first time; turning it off is this device's choice (client/notification-preference.ts), since a
 * page cannot give the permission back. Nothing renders before hydration or where the browser has
 * no notifications.
 */
export function NotificationToggle() {
  const [state, setState] = useState<DesktopNotificationState | null>(null);
  const hintId = useId();

  useEffect(() => {
    setState(read());
    // the permission may change in the browser's own settings, or the choice in another tab
    const again = () => setState(read());
    window.addEventListener("storage", again);
    document.addEventListener("visibilitychange", again);
    return () => {
      window.removeEventListener("storage", again);
      document.removeEventListener("visibilitychange", again);
    };
  }, []);

  if (state === null || state === "unsupported") return null;
  const on = state === "on";
  const blocked = state === "blocked";

  async function toggle() {
    if (on) {
      setDesktopNotificationsWanted(false);
      return setState(read());
    }
    setDesktopNotificationsWanted(true);
    if (Notification.permission === "default") await Notification.requestPermission();
    setState(read());
  }

  return (
    <div className={styles.toggle} data-testid="notification-toggle" data-state={state}>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-describedby={blocked ? hintId : undefined}
        disabled={blocked}
        className={styles.switchButton}
        onClick={() => void toggle()}
      >
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0" />
          {!on && <path d="m3 3 18 18" />}
        </svg>
        <span className={styles.label}>{blocked ? "Notifications blocked" : on ? "Desktop notifications" : "Enable notifications"}</span>
        <span className={styles.track} aria-hidden="true">
          <span className={styles.thumb} />
        </span>
      </button>
      {blocked && (
        <p id={hintId} className={styles.hint}>
          The browser blocks them for this site: allow them in its site settings.
        </p>
      )}
    </div>
  );
}
