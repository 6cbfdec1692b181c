/** What the conversations domain tells after commit (see lib/platform/events.ts). */

declare module "../platform/events" {
  interface DomainEvents {
    /** these users became members (a new conversation, or added to a group): each needs the conversation */
    "conversation.joined": { conversationId: string; userIds: string[] };
    /** the conversation changed as these members see it (title, members, roles) */
    "conversation.changed": { conversationId: string; userIds: string[] };
    /**
     * this user is no longer a member: `left` (on their own; the group may be gone with them) or
     * `removed` by the member `by`
     */
    "conversation.left": { conversationId: string; userId: string } & ({ reason: "left" } | { reason: "removed"; by: string });
  }
}

export {};
