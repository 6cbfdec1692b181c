/** Conversation changes over REST (DESIGN.md): each answer's view goes into the store. */
import type { ConversationView } from "@/lib/conversations/types";
import type { ChatActions } from "./actions";
import type { ChatCore } from "./core";

type ConversationActions = Pick<ChatActions, "ensureConversation" | "startDirect" | "createGroup" | "rename" | "addMembers" | "removeMember" | "setNotifications">;

/** The conversation actions of one client. */
export function conversationActions({ store, api, navigation }: Pick<ChatCore, "store" | "api" | "navigation">): ConversationActions {
  // each answer gives way to live news that came while it was on its way (./live-marks.ts)
  const since = () => store.getState().marks.clock;
  const upsert = (conversation: ConversationView, asked: number) => store.dispatch({ type: "conversation:upsert", conversation, since: asked });
  return {
    async ensureConversation(conversationId) {
      const held = store.getState().conversations[conversationId];
      if (held) return held;
      const asked = since();
      try {
        const { conversation } = await api.getConversation(conversationId);
        upsert(conversation, asked);
        return conversation;
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 404 || status === 400) return null;
        throw err;
      }
    },
    async startDirect(userId) {
      const asked = since();
      const { conversation } = await api.startDirect(userId);
      upsert(conversation, asked);
      return conversation;
    },
    async createGroup(title, memberIds, clientId) {
      const asked = since();
      const { conversation } = await api.createGroup(title, memberIds, clientId);
      upsert(conversation, asked);
      return conversation;
    },
    async rename(conversationId, title) {
      const asked = since();
      upsert((await api.rename(conversationId, title)).conversation, asked);
    },
    async addMembers(conversationId, userIds) {
      const asked = since();
      upsert((await api.addMembers(conversationId, userIds)).conversation, asked);
    },
    async setNotifications(conversationId, level) {
      const asked = since();
      upsert((await api.setNotifications(conversationId, level)).conversation, asked);
    },
    async removeMember(conversationId, userId) {
      await api.removeMember(conversationId, userId);
      if (userId === store.getState().meId) {
        store.dispatch({ type: "conversation:remove", conversationId });
        navigation.replace("/");
      } else {
        const asked = since();
        upsert((await api.getConversation(conversationId)).conversation, asked);
      }
    },
  };
}
