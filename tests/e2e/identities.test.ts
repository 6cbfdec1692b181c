/**
 * Counts and identities stay true on an open page (issue 11, item 5), without a reload: unread badges
 * and the tab count after deletions, a direct conversation whose other member deleted the account,
 * messages of a member who was removed, and renames. docs/chat-ui.md "Identities and counts".
 */
import type { Page } from "playwright-core";
import { baseUrl, request } from "../support/api";
import { DESKTOP, openPage, openSignedIn, PHONE, screenshot, seriousA11yViolations, signInWithForm } from "../support/browser";
import { chatUser, type ChatUser, createDirect, createGroup, send, sidebarRow, useChatBrowser } from "../support/chat";

jest.setTimeout(180_000);

const browser = useChatBrowser();

const row = sidebarRow;
const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const groupWith = (page: Page, text: string) => page.getByTestId("message-group").filter({ has: messageWith(page, text) });
const titleIs = (page: Page, title: string) => page.waitForFunction((t) => document.title === t, title, { timeout: 10_000 });

async function sent(user: ChatUser, conversationId: string, body: string): Promise<string> {
  const ack = await send(user, conversationId, body);
  if (!ack.ok) throw new Error(`send failed: ${ack.error.message}`);
  return ack.message.id;
}
const remove = (user: ChatUser, messageId: string) => user.socket.timeout(10_000).emitWithAck("message:delete", { messageId });
const edit = (user: ChatUser, messageId: string, body: string) => user.socket.timeout(10_000).emitWithAck("message:edit", { messageId, body });

describe("an open page stays true", () => {
  it("takes deleted unread messages off the badge and the tab count, counts edits and duplicates once, and follows reads from another tab", async () => {
    const [ada, bob] = await Promise.all([chatUser({ displayName: "Ada Counting" }), chatUser({ displayName: "Bob Deleting" })]);
    const dm = await createDirect(bob, ada);
    const A = await openSignedIn(browser(), ada);
    await expect(row(A.page, "Bob Deleting").waitFor()).resolves.toBeUndefined();
    const badge = row(A.page, "Bob Deleting").getByTestId("unread-badge");

    // (a) two unread, then both deleted: the count is 0, as the server says, without a reload
    const first = await sent(bob, dm.id, "first thought");
    const second = await sent(bob, dm.id, "second thought");
    await expect(badge.filter({ hasText: "2" }).waitFor()).resolves.toBeUndefined();
    await titleIs(A.page, "(2) Parley");
    expect((await remove(bob, first)).ok && (await remove(bob, second)).ok).toBe(true);
    await expect(badge.waitFor({ state: "detached" })).resolves.toBeUndefined();
    await titleIs(A.page, "Parley");
    const server = (await (await request(`/api/conversations/${dm.id}`, { cookie: ada.cookie })).json()).conversation;
    expect(server.unreadCount).toBe(0);

    // an edit of an unread message changes nothing; a deletion asked for twice counts once
    const third = await sent(bob, dm.id, "third thought");
    const fourth = await sent(bob, dm.id, "fourth thought");
    await expect(badge.filter({ hasText: "2" }).waitFor()).resolves.toBeUndefined();
    expect((await edit(bob, third, "third thought, edited")).ok).toBe(true);
    expect((await remove(bob, fourth)).ok && (await remove(bob, fourth)).ok).toBe(true);
    await expect(badge.filter({ hasText: /^1/ }).waitFor()).resolves.toBeUndefined();
    await titleIs(A.page, "(1) Parley");
    await A.page.waitForTimeout(1_500); // a recount in flight would land by now
    await expect(badge.textContent()).resolves.toMatch(/^1/);

    // reading in another tab clears this tab's count
    const tab2 = await A.context.newPage();
    await tab2.goto(`${baseUrl()}/c/${dm.id}`);
    await expect(messageWith(tab2, "third thought, edited").waitFor()).resolves.toBeUndefined();
    // opened by its address, the tab is named for the conversation, not the page's "Conversation"
    await tab2.waitForFunction(() => document.title.includes("Bob Deleting") && document.title.endsWith(" · Parley"), null, { timeout: 10_000 });
    await tab2.waitForTimeout(1_000);
    await expect(tab2.title()).resolves.toContain("Bob Deleting");
    await expect(badge.waitFor({ state: "detached" })).resolves.toBeUndefined();
    await titleIs(A.page, "Parley");
    expect(A.scriptErrors).toEqual([]);
    await A.context.close();
  });

  it("shows a direct conversation whose other member deleted the account as Deleted user, live, and closes its composer", async () => {
    const [ada, eve] = await Promise.all([chatUser({ displayName: "Ada Staying" }), chatUser({ displayName: "Eve Leaving" })]);
    const dm = await createDirect(eve, ada);
    await sent(eve, dm.id, "I am deleting my account tonight");
    const A = await openSignedIn(browser(), ada);
    await A.page.goto(`${baseUrl()}/c/${dm.id}`);
    await expect(A.page.getByTestId("conversation-title").filter({ hasText: "Eve Leaving" }).waitFor()).resolves.toBeUndefined();
    await expect(A.page.getByLabel("Message", { exact: true }).isVisible()).resolves.toBe(true);

    expect((await request("/api/me", { method: "DELETE", cookie: eve.cookie, json: { password: eve.password } })).status).toBe(204);

    // (b) the header, the sidebar and the tab title say Deleted user; never Ada's own name, avatar or "online"
    await expect(A.page.getByTestId("conversation-title").filter({ hasText: "Deleted user" }).waitFor()).resolves.toBeUndefined();
    await expect(A.page.getByTestId("conversation-status").textContent()).resolves.toBe("This account was deleted");
    await expect(row(A.page, "Deleted user").waitFor()).resolves.toBeUndefined();
    await expect(row(A.page, "Ada Staying").count()).resolves.toBe(0);
    await expect(row(A.page, "Deleted user").textContent()).resolves.not.toMatch(/online/);
    await titleIs(A.page, "\u2068Deleted user\u2069 · Parley");
    // the message stays, its sender now Deleted user; the composer gives way to a note. The sender
    // shows as "Former member" for the moment between the member list's change and the lookup that
    // finds the account gone (both arrive live), so this waits for the lookup's answer
    const sender = groupWith(A.page, "I am deleting my account tonight").getByTestId("sender-name");
    await sender.filter({ hasText: /^Deleted user$/ }).waitFor({ timeout: 10_000 });
    await expect(sender.textContent()).resolves.toBe("Deleted user");
    await expect(A.page.getByTestId("conversation-closed").textContent()).resolves.toContain("This account was deleted");
    await expect(A.page.getByLabel("Message", { exact: true }).count()).resolves.toBe(0);
    await expect(seriousA11yViolations(A.page)).resolves.toEqual([]);
    await screenshot(A.page, "identities-deleted-dm-desktop");
    expect(A.scriptErrors).toEqual([]);
    await A.context.close();

    for (const [viewport, scheme, name] of [
      [DESKTOP, "dark", "identities-deleted-dm-desktop-dark"],
      [PHONE, "light", "identities-deleted-dm-phone"],
      [PHONE, "dark", "identities-deleted-dm-phone-dark"],
    ] as const) {
      const opened = await openPage(browser(), viewport, scheme);
      await signInWithForm(opened.page, ada.username, ada.password);
      await opened.page.waitForURL(`${baseUrl()}/`);
      await opened.page.goto(`${baseUrl()}/c/${dm.id}`);
      await expect(opened.page.getByTestId("conversation-closed").waitFor()).resolves.toBeUndefined();
      await expect(seriousA11yViolations(opened.page)).resolves.toEqual([]);
      await screenshot(opened.page, name);
      await opened.context.close();
    }
  });

  it("names a removed member's messages by their name, and renames people everywhere on the page when they change it", async () => {
    const [ada, bob, grace] = await Promise.all([chatUser({ displayName: "Ada Watching" }), chatUser({ displayName: "Bob Owner" }), chatUser({ displayName: "Grace Hopper" })]);
    const group = await createGroup(bob, "Compilers", [ada, grace]);
    const dm = await createDirect(bob, ada);
    await sent(grace, group.id, "a bug in the relay");
    await sent(bob, group.id, "thanks Grace");
    await sent(bob, dm.id, "see the group");
    const A = await openSignedIn(browser(), ada);
    const A2 = await A.context.newPage(); // Ada's other tab
    await A2.goto(`${baseUrl()}/`);
    await A.page.goto(`${baseUrl()}/c/${group.id}`);
    const graceName = groupWith(A.page, "a bug in the relay").getByTestId("sender-name");
    await expect(graceName.filter({ hasText: "Grace Hopper" }).waitFor()).resolves.toBeUndefined();

    // (c) Bob removes Grace while Ada watches: her messages keep her name
    expect((await request(`/api/conversations/${group.id}/members/${grace.id}`, { method: "DELETE", cookie: bob.cookie })).status).toBe(200);
    await expect(A.page.getByTestId("conversation-status").filter({ hasText: "2 members" }).waitFor()).resolves.toBeUndefined();
    await A.page.waitForTimeout(500);
    await expect(graceName.textContent()).resolves.toBe("Grace Hopper");
    await expect(A.page.getByText("Former member").count()).resolves.toBe(0);
    // and on opening it afresh (a removed sender is looked up by id)
    await A.page.reload();
    await expect(graceName.filter({ hasText: "Grace Hopper" }).waitFor()).resolves.toBeUndefined();
    await expect(A.page.getByText("Former member").count()).resolves.toBe(0);
    await screenshot(A.page, "identities-former-member-desktop");

    // (d) Bob renames himself: his name on the group's messages, the DM's title in the sidebar and the header
    expect((await request("/api/me", { method: "PATCH", cookie: bob.cookie, json: { displayName: "Robert Owner" } })).status).toBe(200);
    await expect(groupWith(A.page, "thanks Grace").getByTestId("sender-name").filter({ hasText: "Robert Owner" }).waitFor()).resolves.toBeUndefined();
    await expect(row(A.page, "Robert Owner").waitFor()).resolves.toBeUndefined();
    await expect(row(A.page, "Bob Owner").count()).resolves.toBe(0);
    await row(A.page, "Robert Owner").click(); // a client-side navigation: still the same page
    await A.page.waitForURL(`${baseUrl()}/c/${dm.id}`);
    await expect(A.page.getByTestId("conversation-title").filter({ hasText: "Robert Owner" }).waitFor()).resolves.toBeUndefined();
    expect((await request("/api/me", { method: "PATCH", cookie: bob.cookie, json: { displayName: "Bobby Owner" } })).status).toBe(200);
    await expect(A.page.getByTestId("conversation-title").filter({ hasText: "Bobby Owner" }).waitFor()).resolves.toBeUndefined();
    await titleIs(A.page, "\u2068Bobby Owner\u2069 · Parley");

    // Ada renames herself in one tab: her other tab's sidebar shows it
    expect((await request("/api/me", { method: "PATCH", cookie: ada.cookie, json: { displayName: "Ada Renamed" } })).status).toBe(200);
    await expect(A2.getByTestId("me-name").filter({ hasText: "Ada Renamed" }).waitFor()).resolves.toBeUndefined();
    expect(A.scriptErrors).toEqual([]);
    await A.context.close();
  });
});
