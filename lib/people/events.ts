/** What the people domain tells after commit (see lib/platform/events.ts). */
import type { PublicUser } from "./types";

declare module "../platform/events" {
  interface DomainEvents {
    /** a public profile changed (display name, bio, avatar): everyone who shares a conversation with the user should see it */
    "user.updated": { user: PublicUser };
  }
}

export {};
