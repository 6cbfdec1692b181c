/** What the sessions domain tells after commit (see lib/platform/events.ts). */

declare module "../platform/events" {
  interface DomainEvents {
    /** these sessions were revoked: whatever is connected with them must be told and closed */
    "sessions.ended": { sessionIds: string[]; reason: "signed_out" | "deleted" | "password_changed" };
  }
}

export {};
