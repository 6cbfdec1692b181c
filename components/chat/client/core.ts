/** What the parts of the chat client share, passed to each instead of being looked up. */
import type { ChatApi } from "./api";
import type { ChatSocket } from "./socket";
import type { ChatStore } from "./store";

/** Where the client sends the page: the app router's push and replace, and a full page load. */
export interface ChatNavigation {
  /** Client-side navigation to an app path (a desktop notification's click). */
  push(path: string): void;
  /** Client-side navigation replacing the current entry (leaving a conversation one no longer belongs to). */
  replace(path: string): void;
  /** A full page load (to sign in again after the session ended). */
  assign(url: string): void;
}

export interface ChatCore {
  store: ChatStore;
  api: ChatApi;
  navigation: ChatNavigation;
  /** The socket while it is connected, else null (nothing is sent while offline). */
  connected(): ChatSocket | null;
}
