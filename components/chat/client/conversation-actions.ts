/** Conversation changes over REST (DESIGN.md): each answer's view goes into the store. */
import type { ConversationView } from "@/lib/conversations/types";
import type { ChatActions } from "./actions";
import type { ChatCore } from "./core";

type ConversationActions = Pick<ChatActions, "ensureConversation" | "startDirect" | "createGroup" | "rename" | "addMembers" | "removeMember">;

/** The conversation actions of one client. */
export function conversationActions({ store, api, navigation }: Pick<ChatCore, "store" | "api" | "navigation">): ConversationActions {
  const upsert = (conversation: ConversationView) => store.dispatch({ type: "conversation:upsert", conversation });
  return {
    async ensureConversation(conversationId) {
      const held = store.getState().conversations[conversationId];
      if (held) return held;
      try {
        const { conversation } = await api.getConversation(conversationId);
        upsert(conversation);
        return conversation;
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 404 || status === 400) return null;
        throw err;
      }
    },
    async startDirect(userId) {
      const { conversation } = await api.startDirect(userId);
      upsert(conversation);
      return conversation;
    },
    async createGroup(title, memberIds) {
      const { conversation } = await api.createGroup(title, memberIds);
      upsert(conversation);
      return conversation;
    },
    async rename(conversationId, title) {
      upsert((await api.rename(conversationId, title)).conversation);
    },
    async addMembers(conversationId, userIds) {
      upsert((await api.addMembers(conversationId, userIds)).conversation);
    },
    async removeMember(conversationId, userId) {
      await api.removeMember(conversationId, userId);
      if (userId === store.getState().meId) {
        store.dispatch({ type: "conversation:remove", conversationId });
        navigation.replace("/");
      } else {
        upsert((await api.getConversation(conversationId)).conversation);
      }
    },
  };
}
