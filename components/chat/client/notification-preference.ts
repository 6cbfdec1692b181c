/**
 * Whether this device wants desktop notifications. A page can ask the browser for permission but
 * never take it back, so "turn off" is a preference of ours, kept in localStorage for this browser
 * (every account in it alike: it is the device that should stay quiet). Storage that is missing or
 * throwing counts as "on" and the choice lasts as long as the page.
 */
import { browserStorage, type DraftStorage } from "./draft-storage";

/** The localStorage key; "off" when the person turned notifications off here. */
export const DESKTOP_NOTIFICATIONS_KEY = "parley:desktop-notifications:v1";

let fallback: boolean | null = null;

/** Whether notifications are wanted on this device (the browser's permission is asked separately). */
export function desktopNotificationsWanted(storage: Pick<DraftStorage, "getItem"> | null = browserStorage()): boolean {
  try {
    if (storage) return storage.getItem(DESKTOP_NOTIFICATIONS_KEY) !== "off";
  } catch {
    /* storage disabled: the page's own choice below */
  }
  return fallback ?? true;
}

/** Keeps the choice for this device. */
export function setDesktopNotificationsWanted(on: boolean, storage: Pick<DraftStorage, "setItem" | "removeItem"> | null = browserStorage()): void {
  fallback = on;
  try {
    if (on) storage?.removeItem(DESKTOP_NOTIFICATIONS_KEY);
    else storage?.setItem(DESKTOP_NOTIFICATIONS_KEY, "off");
  } catch {
    /* full or disabled: kept for this page only */
  }
}

/** What the "Notifications" control shows: on, off (asked or turned off here), blocked by the browser, or unsupported. */
export type DesktopNotificationState = "on" | "off" | "blocked" | "unsupported";

/** The control's state from the browser's permission and this device's choice. */
export function desktopNotificationState(permission: NotificationPermission | "unsupported", wanted: boolean): DesktopNotificationState {
  if (permission === "unsupported") return "unsupported";
  if (permission === "denied") return "blocked";
  return permission === "granted" && wanted ? "on" : "off";
}
