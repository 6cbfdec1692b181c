import type { Page } from "playwright-core";
import { baseUrl, createAccount, testSql } from "../support/api";
import { hydrated, openPage, openSignedIn, PHONE, screenshot, seriousA11yViolations, signInWithForm, DESKTOP } from "../support/browser";
import { chatUser, composerOf, createDirect, createGroup, send, sidebarRow, useChatBrowser } from "../support/chat";

jest.setTimeout(180_000);

const browser = useChatBrowser();

const composer = composerOf;
const row = sidebarRow;
const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });

async function titleMatches(page: Page, re: RegExp): Promise<string> {
  await page.waitForFunction((source) => new RegExp(source).test(document.title), re.source, { timeout: 10_000 });
  return page.title();
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe("chat in the browser", () => {
  it("delivers direct and group messages live, with unread badges, the typing line and the tab count", async () => {
    const ada = await createAccount({ displayName: "Ada Lovelace" });
    const bob = await createAccount({ displayName: "Bob Babbage" });
    const A = await openSignedIn(browser(), ada);
    const B = await openSignedIn(browser(), bob);

    // one's own profile offers no "Message" button
    await A.page.goto(`${baseUrl()}/u/${ada.username}`);
    await expect(A.page.getByTestId("profile-name").waitFor()).resolves.toBeUndefined();
    await expect(A.page.getByRole("button", { name: "Message", exact: true }).count()).resolves.toBe(0);

    // nothing yet: the empty state points to People
    const sidebar = B.page.getByRole("complementary", { name: "Conversations" });
    await expect(sidebar.getByRole("heading", { name: "No conversations yet" }).waitFor()).resolves.toBeUndefined();
    await expect(sidebar.getByText("Find someone in People or start a new message.").isVisible()).resolves.toBe(true);
    await screenshot(B.page, "chat-empty-desktop");
    // a conversation one is not in (or that does not exist) is simply not found
    await B.page.goto(`${baseUrl()}/c/00000000-0000-4000-8000-000000000000`);
    await expect(B.page.getByRole("heading", { name: "Conversation not found" }).waitFor()).resolves.toBeUndefined();
    await B.page.goto(`${baseUrl()}/`);

    // Ada starts the direct conversation from Bob's profile
    await A.page.goto(`${baseUrl()}/u/${bob.username}`);
    await A.page.getByRole("button", { name: "Message", exact: true }).click();
    await A.page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
    const dmUrl = A.page.url();
    await expect(A.page.getByTestId("conversation-title").textContent()).resolves.toBe("Bob Babbage");
    // Bob's list gets it without a reload
    await expect(row(B.page, "Ada Lovelace").waitFor()).resolves.toBeUndefined();

    // Ada writes; Bob sees the preview, an unread badge and the count in the tab title
    await composer(A.page).fill("Hello Bob, have you seen https://example.com/engine?");
    await composer(A.page).press("Enter");
    await expect(messageWith(A.page, "Hello Bob").waitFor()).resolves.toBeUndefined();
    await expect(composer(A.page).inputValue()).resolves.toBe("");
    await expect(row(B.page, "Ada Lovelace").getByTestId("unread-badge").filter({ hasText: "1" }).waitFor()).resolves.toBeUndefined();
    await expect(row(B.page, "Ada Lovelace").textContent()).resolves.toContain("Hello Bob, have you seen");
    await expect(titleMatches(B.page, /^\(1\) Parley$/)).resolves.toBe("(1) Parley");
    await screenshot(B.page, "chat-unread-desktop");

    // Bob opens it: the message, a safe link, the divider; the badge and the count go away
    await row(B.page, "Ada Lovelace").click();
    await B.page.waitForURL(dmUrl);
    const link = messageWith(B.page, "Hello Bob").getByRole("link", { name: "https://example.com/engine" });
    await expect(link.getAttribute("target")).resolves.toBe("_blank");
    await expect(link.getAttribute("rel")).resolves.toBe("noopener noreferrer");
    await expect(B.page.getByRole("separator", { name: "New messages" }).count()).resolves.toBe(1);
    await expect(row(B.page, "Ada Lovelace").getByTestId("unread-badge").waitFor({ state: "detached" })).resolves.toBeUndefined();
    await expect(titleMatches(B.page, /^(?!\(\d+\) )/)).resolves.not.toMatch(/^\(/);

    // Bob types: Ada sees the typing line; he sends: Ada sees the reply without a reload
    await composer(B.page).pressSequentially("Yes, <b>marvellous</b>", { delay: 30 });
    await expect(A.page.getByTestId("typing-line").filter({ hasText: "Bob Babbage is typing…" }).waitFor()).resolves.toBeUndefined();
    await screenshot(A.page, "chat-typing-desktop");
    await composer(B.page).press("Enter");
    await expect(messageWith(A.page, "Yes, <b>marvellous</b>").waitFor()).resolves.toBeUndefined();
    await screenshot(A.page, "chat-direct-desktop");
    await expect(A.page.locator("[data-testid=message-body] b").count()).resolves.toBe(0);
    await expect(A.page.getByTestId("typing-line").filter({ hasText: "typing" }).waitFor({ state: "detached" })).resolves.toBeUndefined();
    // and it is Bob's on his side, Ada's on hers
    await expect(messageWith(B.page, "marvellous").getAttribute("data-own")).resolves.toBe("true");
    await expect(messageWith(A.page, "marvellous").getAttribute("data-own")).resolves.toBeNull();

    // Bob edits his reply, then deletes it: Ada sees both without a reload
    await messageWith(B.page, "marvellous").hover();
    await messageWith(B.page, "marvellous").getByRole("button", { name: "Edit" }).click();
    await B.page.getByLabel("Edit message").fill("Yes, truly marvellous");
    await B.page.getByLabel("Edit message").press("Enter");
    await expect(messageWith(A.page, "Yes, truly marvellous").filter({ hasText: "(edited)" }).waitFor()).resolves.toBeUndefined();
    await messageWith(B.page, "truly marvellous").hover();
    await messageWith(B.page, "truly marvellous").getByRole("button", { name: "Delete" }).click();
    await B.page.getByRole("group", { name: "Delete this message?" }).getByRole("button", { name: "Delete" }).click();
    await expect(messageWith(A.page, "message deleted").waitFor()).resolves.toBeUndefined();
    await expect(messageWith(A.page, "marvellous").count()).resolves.toBe(0);
    await expect(row(A.page, "Bob Babbage").textContent()).resolves.toContain("message deleted");

    // the "New message" dialog keeps Tab inside, closes on Escape and gives focus back
    await A.page.getByRole("button", { name: "New message" }).click();
    const newMessage = A.page.getByRole("dialog", { name: "New message" });
    await expect(newMessage.getByLabel("To").evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    for (let i = 0; i < 6; i++) await A.page.keyboard.press("Tab");
    await expect(newMessage.evaluate((d) => d.contains(document.activeElement))).resolves.toBe(true);
    await A.page.keyboard.press("Escape");
    await expect(newMessage.count()).resolves.toBe(0);
    await expect(A.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("New message");

    // Ada makes a group with Bob from the "New group" dialog
    await A.page.getByRole("button", { name: "New group" }).click();
    const dialog = A.page.getByRole("dialog", { name: "New group" });
    await dialog.getByLabel("Group name").fill("Analytical Engine Society");
    await dialog.getByLabel("Add people").fill(bob.username);
    await dialog.getByTestId("pick-person").filter({ hasText: "Bob Babbage" }).click();
    await expect(dialog.getByRole("list", { name: "Members to add" }).textContent()).resolves.toContain("Bob Babbage");
    await expect(seriousA11yViolations(A.page)).resolves.toEqual([]);
    await screenshot(A.page, "chat-new-group-desktop");
    await dialog.getByRole("button", { name: /^Create group/ }).click();
    await A.page.waitForURL((url) => /\/c\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== dmUrl);
    const groupUrl = A.page.url();
    await expect(A.page.getByTestId("conversation-title").textContent()).resolves.toBe("Analytical Engine Society");
    await composer(A.page).fill("Welcome to the society!");
    await composer(A.page).press("Enter");

    // Bob, still in the direct conversation, sees the group arrive with its unread message
    const groupRow = row(B.page, "Analytical Engine Society");
    await expect(groupRow.getByTestId("unread-badge").filter({ hasText: "1" }).waitFor()).resolves.toBeUndefined();
    await expect(groupRow.textContent()).resolves.toContain("Ada: Welcome to the society!");
    await groupRow.click();
    await B.page.waitForURL(groupUrl);
    await expect(messageWith(B.page, "Welcome to the society!").waitFor()).resolves.toBeUndefined();
    await composer(B.page).fill("Glad to be here.");
    await composer(B.page).press("Enter");
    await expect(messageWith(A.page, "Glad to be here.").waitFor()).resolves.toBeUndefined();
    await expect(A.page.getByTestId("conversation-status").textContent()).resolves.toMatch(/^2 members/);

    // the conversation page passes axe; the settings dialog lists the members and gives focus back on Escape
    await expect(seriousA11yViolations(A.page)).resolves.toEqual([]);
    await screenshot(A.page, "chat-group-desktop");
    await A.page.getByRole("button", { name: "Group settings" }).click();
    const settings = A.page.getByRole("dialog", { name: "Group settings" });
    await settings.waitFor(); // its code loads on first open (components/chat/LazyDialog.tsx)
    await expect(settings.getByRole("list", { name: "Members" }).getByRole("listitem").count()).resolves.toBe(2);
    await expect(seriousA11yViolations(A.page)).resolves.toEqual([]);
    await screenshot(A.page, "chat-group-settings-desktop");
    await A.page.keyboard.press("Escape");
    await expect(settings.count()).resolves.toBe(0);
    await expect(A.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Group settings");

    // everything sent was stored once
    const stored = await testSql()`select body from messages m join members me on me.conversation_id = m.conversation_id where me.user_id = ${ada.id} order by m.created_at`;
    expect(stored.map((r) => r.body)).toEqual(["Hello Bob, have you seen https://example.com/engine?", "", "Welcome to the society!", "Glad to be here."]);

    expect(A.scriptErrors).toEqual([]);
    expect(B.scriptErrors).toEqual([]);
    await A.context.close();
    await B.context.close();
  });

  it("looks right with realistic data on a desktop and a phone, light and dark", async () => {
    const me = await chatUser({ displayName: "Grace Hopper" });
    const long = await chatUser({ displayName: "Maximilian Alexander Featherstonehaugh-Wolfeschlegelsteinhausen" });
    const linus = await chatUser({ displayName: "Linus Torvalds" });
    const margaret = await chatUser({ displayName: "Margaret Hamilton" });

    const group = await createGroup(margaret, "Apollo guidance computer — flight software review", [me, linus]);
    const dm = await createDirect(long, me);
    const quiet = await createDirect(me, linus);
    for (const [who, body] of [
      [margaret, "Morning all. The restart protection patch is in."],
      [linus, "Reviewed it. One nit about the priority display."],
      [me, "Thanks! I will look after lunch."],
    ] as const) {
      const res = await send(who, group.id, body);
      expect(res.ok).toBe(true);
    }
    // yesterday's part of the conversation, so the day separators show
    await testSql()`update messages set created_at = created_at - interval '1 day' where conversation_id = ${group.id}`;
    for (const body of [
      "The 1202 alarm again during the simulation, then it recovered by itself.",
      "Here is the full log, line by line, so nobody has to ask: " + "PROGRAM ALARM 1202 EXECUTIVE OVERFLOW NO CORE SETS ".repeat(6).trim() + " — see https://www.hq.nasa.gov/alsj/a11/a11.1201-pa.html for the background.",
      "Averyveryverylongwordwithoutanyspacesthatmustwrapinsteadofoverflowingthebubble_" + "x".repeat(60),
    ]) {
      expect((await send(margaret, group.id, body)).ok).toBe(true);
    }
    expect((await send(long, dm.id, "Hi Grace! Could we talk about COBOL next week?")).ok).toBe(true);
    expect((await send(long, dm.id, "Any day works for me.")).ok).toBe(true);
    expect((await send(me, quiet.id, "See you at the conference.")).ok).toBe(true);

    // desktop, light: the list with unread badges and long names, then the group
    const { context, page, scriptErrors } = await openSignedIn(browser(), me);
    await expect(row(page, "Apollo guidance").waitFor()).resolves.toBeUndefined();
    await expect(page.getByTestId("conversation-item").count()).resolves.toBe(3);
    // newest activity first
    await expect(page.getByTestId("conversation-name").allTextContents()).resolves.toEqual([
      "Linus Torvalds",
      "Maximilian Alexander Featherstonehaugh-Wolfeschlegelsteinhausen",
      "Apollo guidance computer — flight software review",
    ]);
    await expect(row(page, "Maximilian").getByTestId("unread-badge").textContent()).resolves.toBe("2 unread");
    await expect(row(page, "Apollo guidance").getByTestId("unread-badge").textContent()).resolves.toBe("5 unread");
    await expect(row(page, "Linus Torvalds").getByTestId("unread-badge").count()).resolves.toBe(0);
    await expect(titleMatches(page, /^\(7\) Parley$/)).resolves.toBe("(7) Parley");
    await screenshot(page, "chat-list-desktop");
    await row(page, "Apollo guidance").click();
    await page.waitForURL(`${baseUrl()}/c/${group.id}`);
    await expect(messageWith(page, "Averyveryvery").waitFor()).resolves.toBeUndefined();
    await expect(page.getByTestId("day-separator").allTextContents()).resolves.toEqual(["Yesterday", "Today"]);
    await expect(page.getByRole("separator", { name: "New messages" }).count()).resolves.toBe(1);
    const bubbleOverflow = await page.getByTestId("message-list").evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(bubbleOverflow).toBeLessThanOrEqual(0);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, "chat-desktop");
    await page.getByTestId("message").filter({ hasText: "Thanks! I will look after lunch." }).hover();
    await screenshot(page, "chat-desktop-hover-own");
    expect(scriptErrors).toEqual([]);
    await context.close();

    // desktop, dark
    const dark = await openPage(browser(), DESKTOP, "dark");
    await signInWithForm(dark.page, me.username, me.password);
    await dark.page.waitForURL(`${baseUrl()}/`);
    await dark.page.goto(`${baseUrl()}/c/${dm.id}`);
    await expect(messageWith(dark.page, "Any day works for me.").waitFor()).resolves.toBeUndefined();
    await expect(seriousA11yViolations(dark.page)).resolves.toEqual([]);
    await screenshot(dark.page, "chat-desktop-dark");
    await dark.context.close();

    // phone, light: the list and the conversation are two screens, with a way back
    expect((await send(long, dm.id, "Are you reading this on your phone?")).ok).toBe(true);
    const phone = await openSignedIn(browser(), me, PHONE);
    await expect(row(phone.page, "Maximilian").getByTestId("unread-badge").waitFor()).resolves.toBeUndefined();
    await expect(horizontalOverflow(phone.page)).resolves.toBeLessThanOrEqual(0);
    await screenshot(phone.page, "chat-list-phone");
    await row(phone.page, "Apollo guidance").click();
    await phone.page.waitForURL(`${baseUrl()}/c/${group.id}`);
    await expect(messageWith(phone.page, "Averyveryvery").waitFor()).resolves.toBeUndefined();
    await expect(phone.page.getByTestId("conversation-item").first().isVisible()).resolves.toBe(false);
    await expect(horizontalOverflow(phone.page)).resolves.toBeLessThanOrEqual(0);
    // touch targets of at least 44 px: back, settings, send
    for (const name of ["Back to conversations", "Group settings", "Send"]) {
      const box = await phone.page.getByRole(name === "Back to conversations" ? "link" : "button", { name }).boundingBox();
      expect(Math.min(box!.width, box!.height)).toBeGreaterThanOrEqual(44);
    }
    await expect(seriousA11yViolations(phone.page)).resolves.toEqual([]);
    await screenshot(phone.page, "chat-conversation-phone");
    await phone.page.getByRole("link", { name: "Back to conversations" }).click();
    await phone.page.waitForURL(`${baseUrl()}/`);
    await expect(row(phone.page, "Apollo guidance").isVisible()).resolves.toBe(true);
    expect(phone.scriptErrors).toEqual([]);
    await phone.context.close();

    // phone, dark
    const phoneDark = await openPage(browser(), PHONE, "dark");
    await signInWithForm(phoneDark.page, me.username, me.password);
    await phoneDark.page.waitForURL(`${baseUrl()}/`);
    await expect(row(phoneDark.page, "Apollo guidance").waitFor()).resolves.toBeUndefined();
    await screenshot(phoneDark.page, "chat-list-phone-dark");
    await phoneDark.page.getByRole("button", { name: "New group" }).click();
    const sheet = phoneDark.page.getByRole("dialog", { name: "New group" });
    await sheet.getByLabel("Group name").fill("Compiler night");
    await expect(sheet.getByTestId("pick-person").first().waitFor()).resolves.toBeUndefined();
    await expect(seriousA11yViolations(phoneDark.page)).resolves.toEqual([]);
    await screenshot(phoneDark.page, "chat-new-group-phone-dark");
    await phoneDark.page.keyboard.press("Escape");
    await expect(sheet.count()).resolves.toBe(0);
    await row(phoneDark.page, "Maximilian").click();
    await expect(messageWith(phoneDark.page, "Any day works").waitFor()).resolves.toBeUndefined();
    await expect(seriousA11yViolations(phoneDark.page)).resolves.toEqual([]);
    await screenshot(phoneDark.page, "chat-conversation-phone-dark");
    await phoneDark.context.close();
  });

  it("loads older messages at the top keeping the place, and offers a jump to the latest", async () => {
    const [me, ann, ben, cat] = await Promise.all([chatUser({ displayName: "Reader" }), chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ann, "Long history", [me, ben, cat]);
    // 75 messages (three senders keep under the send rate limit), more than one page of 50
    for (let i = 1; i <= 75; i++) {
      const res = await send([ann, ben, cat][i % 3], group.id, `history ${i}`);
      expect(res.ok).toBe(true);
    }
    // all read already (elsewhere), so the conversation opens at its newest page, at the bottom
    await expect(me.socket.timeout(5_000).emitWithAck("conversation:read", { conversationId: group.id, seq: 75 })).resolves.toMatchObject({ ok: true });
    const { context, page, scriptErrors } = await openSignedIn(browser(), me);
    await page.goto(`${baseUrl()}/c/${group.id}`);
    await expect(messageWith(page, "history 75").waitFor()).resolves.toBeUndefined();
    await expect(page.getByRole("separator", { name: "New messages" }).count()).resolves.toBe(0);
    await expect(messageWith(page, "history 1").filter({ hasText: /^history 1$/ }).count()).resolves.toBe(0);

    const list = page.getByTestId("message-list");
    await expect(list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).resolves.toBeLessThan(80);
    await list.evaluate((el) => (el.scrollTop = 0));
    const anchor = page.getByTestId("message-body").filter({ hasText: /^history 26$/ });
    await expect(page.getByText("This is the beginning of the conversation.").waitFor()).resolves.toBeUndefined();
    await expect(page.getByTestId("message-body").filter({ hasText: /^history 1$/ }).count()).resolves.toBe(1);
    // the message that was at the top is still in view: the older page went above it
    const listBox = (await list.boundingBox())!;
    const anchorBox = (await anchor.boundingBox())!;
    expect(anchorBox.y).toBeGreaterThanOrEqual(listBox.y - anchorBox.height);
    expect(anchorBox.y).toBeLessThan(listBox.y + listBox.height);
    await expect(page.getByTestId("message-body").allTextContents()).resolves.toEqual(Array.from({ length: 75 }, (_, i) => `history ${i + 1}`));

    // scrolled up, a new message does not move the view: a button offers the way down
    expect((await send(ben, group.id, "fresh news")).ok).toBe(true);
    const jump = page.getByTestId("jump-to-latest");
    await expect(jump.filter({ hasText: "1 new message" }).waitFor()).resolves.toBeUndefined();
    await screenshot(page, "chat-jump-desktop");
    await jump.click();
    await expect(jump.waitFor({ state: "detached" })).resolves.toBeUndefined();
    await page.waitForFunction(() => {
      const el = document.querySelector("[data-testid=message-list]")!;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    });
    await expect(messageWith(page, "fresh news").isVisible()).resolves.toBe(true);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  it("shows a send that gets no answer as failed, and Retry delivers it once with the same clientId", async () => {
    const [ada, bob] = await Promise.all([chatUser({ displayName: "Ada Offline" }), chatUser({ displayName: "Bob Listener" })]);
    const dm = await createDirect(ada, bob);

    // between the page and the server: while `dropping`, message:send packets never reach the server
    let dropping = false;
    const dropped: string[] = [];
    const { context, page, scriptErrors } = await openPage(browser());
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        const text = String(frame);
        if (dropping && text.includes('"message:send"')) {
          dropped.push(/"clientId":"([0-9a-f-]{36})"/.exec(text)?.[1] ?? "?");
          return;
        }
        server.send(frame);
      });
      server.onMessage((frame) => ws.send(frame));
    });
    await signInWithForm(page, ada.username, ada.password);
    await page.waitForURL(`${baseUrl()}/`);
    await page.goto(`${baseUrl()}/c/${dm.id}`);
    await expect(page.getByTestId("conversation-title").filter({ hasText: "Bob Listener" }).waitFor()).resolves.toBeUndefined();
    await hydrated(composer(page));

    dropping = true;
    await composer(page).fill("Are you there?");
    await composer(page).press("Enter");
    const mine = messageWith(page, "Are you there?");
    await expect(mine.getAttribute("data-status")).resolves.toBe("pending");
    await expect(mine.getByText("Sending…").isVisible()).resolves.toBe(true);
    await expect(mine.getByRole("alert").filter({ hasText: "Not sent" }).waitFor({ timeout: 15_000 })).resolves.toBeUndefined();
    await expect(mine.getAttribute("data-status")).resolves.toBe("failed");
    // it was tried more than once, always with the same clientId
    expect(dropped.length).toBeGreaterThanOrEqual(2);
    expect(new Set(dropped).size).toBe(1);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, "chat-failed-desktop");

    dropping = false;
    await mine.getByRole("button", { name: "Retry" }).click();
    await expect(page.getByTestId("message").filter({ hasText: "Are you there?" }).and(page.locator(":not([data-status])")).waitFor()).resolves.toBeUndefined();
    const deadline = Date.now() + 5_000;
    while (!bob.received.some((m) => m.body === "Are you there?") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(bob.received.filter((m) => m.body === "Are you there?")).toHaveLength(1);
    const rows = await testSql()`select client_id from messages where conversation_id = ${dm.id}`;
    expect(rows.map((r) => r.client_id)).toEqual([dropped[0]]);
    await expect(page.getByTestId("message").count()).resolves.toBe(1);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  it("reconnects by itself: a banner while down, missed messages through sync, offline sends delivered", async () => {
    const [ada, bob] = await Promise.all([chatUser({ displayName: "Ada Roaming" }), chatUser({ displayName: "Bob Steady" })]);
    const dm = await createDirect(ada, bob);
    expect((await send(bob, dm.id, "before the tunnel")).ok).toBe(true);

    // the network between page and server: `down` closes the socket and refuses new ones
    let down = false;
    let refused = 0;
    const open: { close(): Promise<void> }[] = [];
    const { context, page, scriptErrors } = await openPage(browser());
    await context.routeWebSocket(/\/socket\.io\//, async (ws) => {
      if (down) {
        // refused: nothing gets through, and the connection drops at once
        refused += 1;
        const server = ws.connectToServer();
        ws.onMessage(() => {});
        server.onMessage(() => {});
        setTimeout(() => void Promise.all([ws.close({ code: 4000, reason: "network down" }), server.close()]).catch(() => {}), 50);
        return;
      }
      const server = ws.connectToServer();
      ws.onMessage((frame) => server.send(frame));
      server.onMessage((frame) => ws.send(frame));
      open.push({ close: () => ws.close({ code: 4000, reason: "network down" }) });
    });
    await signInWithForm(page, ada.username, ada.password);
    await page.waitForURL(`${baseUrl()}/`);
    await page.goto(`${baseUrl()}/c/${dm.id}`);
    await expect(messageWith(page, "before the tunnel").waitFor()).resolves.toBeUndefined();

    down = true;
    await Promise.all(open.splice(0).map((ws) => ws.close()));
    await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ timeout: 10_000 })).resolves.toBeUndefined();
    await screenshot(page, "chat-reconnecting-desktop");

    // while Ada is away: Bob writes and edits; Ada writes too
    const missed = await send(bob, dm.id, "said while you were in the tunnel");
    const edited = await bob.socket.timeout(5_000).emitWithAck("message:edit", { messageId: (await testSql()`select id from messages where conversation_id = ${dm.id} and seq = 1`)[0].id, body: "before the tunnel (edited by Bob)" });
    expect(missed.ok && edited.ok).toBe(true);
    await composer(page).fill("writing from the tunnel");
    await composer(page).press("Enter");
    await expect(messageWith(page, "writing from the tunnel").getAttribute("data-status")).resolves.toBe("pending");

    // at least one attempt to come back was refused
    const until = Date.now() + 15_000;
    while (refused === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(refused).toBeGreaterThan(0);
    down = false;
    await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ state: "detached", timeout: 20_000 }).catch(() => "still shown")).resolves.not.toBe("still shown");
    await expect(messageWith(page, "said while you were in the tunnel").waitFor({ timeout: 15_000 })).resolves.toBeUndefined();
    await expect(messageWith(page, "before the tunnel (edited by Bob)").filter({ hasText: "(edited)" }).waitFor()).resolves.toBeUndefined();
    await expect(page.locator("[data-testid=message][data-status]").waitFor({ state: "detached", timeout: 15_000 })).resolves.toBeUndefined();
    const deadline = Date.now() + 5_000;
    while (!bob.received.some((m) => m.body === "writing from the tunnel") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(bob.received.filter((m) => m.body === "writing from the tunnel")).toHaveLength(1);
    // each message once, in order
    await expect(page.getByTestId("message-body").allTextContents()).resolves.toEqual([
      "before the tunnel (edited by Bob)",
      "said while you were in the tunnel",
      "writing from the tunnel",
    ]);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });
  it("opens a long conversation at the unread divider, clear of the sticky day label", async () => {
    const reader = await chatUser({ displayName: "Rita Reader" });
    const [earlier, later] = [await chatUser({ displayName: "Walt Writer" }), await chatUser({ displayName: "Nora Newer" })];
    const group = await createGroup(earlier, "Long read", [reader, later]);
    for (let i = 1; i <= 24; i++) expect((await send(earlier, group.id, `Earlier message ${i}`)).ok).toBe(true);
    expect((await reader.socket.timeout(5000).emitWithAck("conversation:read", { conversationId: group.id, seq: 24 })).ok).toBe(true);
    for (let i = 1; i <= 24; i++) expect((await send(later, group.id, `Newer message ${i}`)).ok).toBe(true);

    const { context, page } = await openSignedIn(browser(), reader);
    await page.goto(`${baseUrl()}/c/${group.id}`);
    const divider = page.getByRole("separator", { name: "New messages" });
    await expect(divider.waitFor()).resolves.toBeUndefined();
    await page.waitForTimeout(300); // placed in a layout effect; let it settle
    const list = await page.getByTestId("message-list").boundingBox();
    const label = await page.getByTestId("day-separator").boundingBox();
    const line = await divider.boundingBox();
    // the older part is scrolled away, the divider is in view and below the label, not under it
    expect(await page.getByTestId("message-list").evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    expect(line!.y).toBeGreaterThanOrEqual(label!.y + label!.height);
    expect(line!.y + line!.height).toBeLessThanOrEqual(list!.y + list!.height);
    await screenshot(page, "chat-unread-divider-desktop");
    await context.close();
  });
});
