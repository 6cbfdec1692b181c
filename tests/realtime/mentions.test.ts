/**
 * Mentions and notification levels over real sockets (issue 13, items 4 and 5): a mention counts for
 * the one mentioned (and `@all` for everyone else), live and after a reconnect; nothing inside code
 * counts; one's notification level reaches one's own other tabs and nobody else.
 */
import type { ConversationView } from "@/lib/conversations/types";
import { closeTestSql, request } from "../support/api";
import { chatUser, createGroup, eventually, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

const viewOf = async (u: ChatUser, id: string): Promise<ConversationView> => (await (await request(`/api/conversations/${id}`, { cookie: u.cookie })).json()).conversation;

describe("mentions", () => {
  it("count for the member mentioned, live and after a reconnect; @all for everyone but its sender; never from code", async () => {
    const [ada, bob, cy] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Mentions", [bob, cy]);

    const sent = await send(bob, group.id, `hey @${ada.username.toUpperCase()}, and \`@${cy.username}\` is code`);
    expect(sent.ok).toBe(true);
    // live: Ada's socket gets the message naming her (the client counts it from `mentions`)
    await eventually(() => ada.received.some((m) => m.body.startsWith("hey")));
    expect(ada.received.find((m) => m.body.startsWith("hey"))!.mentions).toEqual([ada.id]);
    expect(await viewOf(ada, group.id)).toMatchObject({ unreadCount: 1, unreadMentions: 1 });
    expect(await viewOf(cy, group.id)).toMatchObject({ unreadCount: 1, unreadMentions: 0 });

    const fence = await send(cy, group.id, "```\n@" + ada.username + " in a block\n```");
    expect(fence.ok && fence.message.mentions).toEqual([]);
    const all = await send(cy, group.id, "@here standup");
    expect(all.ok && all.message.mentions).toEqual(["all"]);

    // Ada reconnects: a fresh socket and the list count what she missed
    ada.socket.disconnect();
    const again = connectSocket(ada.cookie);
    await connected(again);
    const list: ConversationView[] = (await (await request("/api/conversations", { cookie: ada.cookie })).json()).conversations;
    expect(list.find((c) => c.id === group.id)).toMatchObject({ unreadCount: 3, unreadMentions: 2 });
    const synced = await again.timeout(5000).emitWithAck("sync", { since: { [group.id]: 0 } });
    expect(synced.ok && synced.messages.map((m: { mentions: string[] }) => m.mentions)).toEqual([[ada.id], [], ["all"]]);
    // @all counts for Bob, not for Cy who sent it
    expect(await viewOf(bob, group.id)).toMatchObject({ unreadMentions: 1 });
    expect(await viewOf(cy, group.id)).toMatchObject({ unreadMentions: 0 });
    // reading zeroes both counts
    const read = await again.timeout(5000).emitWithAck("conversation:read", { conversationId: group.id, seq: all.ok ? all.message.seq : 0 });
    expect(read.ok).toBe(true);
    expect(await viewOf(ada, group.id)).toMatchObject({ unreadCount: 0, unreadMentions: 0 });
  });
});

describe("notification level", () => {
  it("reaches the caller's other tabs as conversation:updated, and no other member's", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const group = await createGroup(ada, "Quiet please", [bob]);
    const secondTab = connectSocket(ada.cookie);
    await connected(secondTab);
    const adaSeen: ConversationView[] = [];
    const bobSeen: ConversationView[] = [];
    secondTab.on("conversation:updated", (c) => adaSeen.push(c));
    bob.socket.on("conversation:updated", (c) => bobSeen.push(c));

    const res = await request(`/api/conversations/${group.id}/settings`, { method: "PATCH", cookie: ada.cookie, json: { notifications: "mentions" } });
    expect(res.status).toBe(200);
    await eventually(() => adaSeen.length > 0);
    expect(adaSeen[0]).toMatchObject({ id: group.id, notifications: "mentions" });

    // the same level again changes nothing and says nothing
    expect((await request(`/api/conversations/${group.id}/settings`, { method: "PATCH", cookie: ada.cookie, json: { notifications: "mentions" } })).status).toBe(200);
    await settle();
    expect(adaSeen).toHaveLength(1);
    expect(bobSeen).toEqual([]);
    expect((await viewOf(bob, group.id)).notifications).toBe("all");
  });
});
