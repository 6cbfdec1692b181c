/**
 * Replies, pins and landing on what is new (issue 13, items 2, 6 and 9) in Chromium, at desktop and
 * phone width, light and dark: a reply is started from a message's actions (hover toolbar; long press
 * on a phone), Escape cancels it, the sent reply quotes its original; a quote jumps to an original
 * that is not loaded (the page around it) and "Jump to latest" returns with what came meanwhile; a
 * deleted original shows as deleted; opening on 75 unread lands on the first unread with the divider
 * above exactly it and a "75 new messages" bar that marks read; pin and unpin, the header count kept
 * live, the pinned list (Escape closes it, focus returns) and its jump; a reply written offline shows
 * its quote and its mention while it waits.
 */
import type { Locator, Page } from "playwright-core";
import { baseUrl, testSql } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, seriousA11yViolations, shootLightAndDark } from "../support/browser";
import { chatUser, composerOf, createGroup, eventually, seedMessages, send, sidebarRow, useChatBrowser, type ChatUser } from "../support/chat";

jest.setTimeout(300_000);

const browser = useChatBrowser();

const readPosition = async (conversationId: string, user: ChatUser) =>
  Number((await testSql()`select last_read_seq from members where conversation_id = ${conversationId} and user_id = ${user.id}`)[0].last_read_seq);
const messageRow = (page: Page, text: string) => page.getByTestId("message").filter({ has: page.getByTestId("message-body").getByText(text, { exact: true }) });
/** Whether the element lies within the message list's visible area. */
const inView = (row: Locator) =>
  row.evaluate((el) => {
    const list = document.querySelector("[data-testid=message-list]")!.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
  });
const idOf = async (conversationId: string, seq: number) => (await testSql()`select id from messages where conversation_id = ${conversationId} and seq = ${seq}`)[0].id as string;

/** Opens a message's actions and picks one: the hover toolbar on a desktop, a long press (real touch events) and the menu on a phone. */
async function act(page: Page, message: Locator, action: string, phone: boolean): Promise<void> {
  if (!phone) {
    await message.hover();
    await message.getByRole("toolbar").getByRole("button", { name: action, exact: true }).click();
    return;
  }
  await message.scrollIntoViewIfNeeded();
  const box = (await message.getByTestId("message-body").boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const point = { x: Math.round(box.x + 10), y: Math.round(box.y + box.height / 2) };
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await page.waitForTimeout(700);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
  // the release chose nothing (the sheet is under the finger): the menu stays until a choice, a person's tap later
  await page.waitForTimeout(500);
  await page.getByRole("menu").waitFor();
  await page.getByRole("menu").getByRole("menuitem", { name: action, exact: true }).click();
}


describe("replies, pins and landing on what is new", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`at ${name}`, async () => {
      const phone = viewport === PHONE;
      const [me, ada] = await Promise.all([chatUser({ displayName: "Rhea Replier" }), chatUser({ displayName: "Ada Lovelace" })]);
      // "Landing": 125 messages from Ada, read up to 50, so 75 unread; "Replies": 150, all read
      const landing = await createGroup(ada, "Landing on new", [me]);
      const replies = await createGroup(ada, "Gear replies", [me]);
      await seedMessages(landing.id, ada, 125, (i) => `Message number ${i}`);
      await testSql()`update members set last_read_seq = 50 where conversation_id = ${landing.id} and user_id = ${me.id}`;
      await seedMessages(replies.id, ada, 150, (i) => (i === 2 ? "Original plan: gears first, then the mill" : i === 3 ? "A thought I will take back" : `Gear note ${i}`));
      await testSql()`update members set last_read_seq = 150 where conversation_id = ${replies.id}`;
      const [original, doomed] = await Promise.all([idOf(replies.id, 2), idOf(replies.id, 3)]);
      const replyTo = (body: string, to: string) => ada.socket.timeout(10_000).emitWithAck("message:send", { conversationId: replies.id, clientId: crypto.randomUUID(), body, replyTo: to });
      expect((await replyTo("Agreed on the gears", original)).ok).toBe(true);
      expect((await replyTo("Never mind this one", doomed)).ok).toBe(true);
      expect((await ada.socket.timeout(10_000).emitWithAck("message:delete", { messageId: doomed })).ok).toBe(true);

      const { page, context, scriptErrors } = await openSignedIn(browser(), me, viewport);

      // --- landing on 75 unread: the page around the read position, the divider above message 51, the bar
      await sidebarRow(page, "Landing on new").click();
      await page.waitForURL(`${baseUrl()}/c/${landing.id}`);
      const bar = page.getByTestId("new-messages-bar");
      await bar.waitFor();
      await expect(bar.textContent()).resolves.toContain("75 new messages");
      const divider = page.locator("[data-unread-divider]");
      await divider.waitFor();
      const afterDivider = await divider.evaluate((d) => d.nextElementSibling?.querySelector("[data-testid=message-body]")?.textContent);
      expect(afterDivider).toBe("Message number 51");
      await expect(inView(messageRow(page, "Message number 51"))).resolves.toBe(true);
      await page.waitForTimeout(500);
      expect(await readPosition(landing.id, me)).toBe(50); // nothing read behind the reader's back
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await shootLightAndDark(page, `replies-landing-${name}`);
      await bar.click();
      await eventually(async () => (await readPosition(landing.id, me)) === 125);
      await expect(bar.count()).resolves.toBe(0);
      // the divider stays where the unread part began
      expect(await divider.evaluate((d) => d.nextElementSibling?.querySelector("[data-testid=message-body]")?.textContent)).toBe("Message number 51");

      // --- replies: quotes, a deleted original, the jump to an unloaded original and back
      if (phone) await page.getByRole("link", { name: "Back to conversations" }).click();
      await sidebarRow(page, "Gear replies").click();
      await page.waitForURL(`${baseUrl()}/c/${replies.id}`);
      const agreed = messageRow(page, "Agreed on the gears");
      await agreed.waitFor();
      const quote = agreed.getByTestId("reply-quote");
      await expect(quote.textContent()).resolves.toBe("Ada LovelaceOriginal plan: gears first, then the mill");
      await expect(quote.locator("bdi").first().textContent()).resolves.toBe("Ada Lovelace");
      await expect(messageRow(page, "Never mind this one").getByTestId("reply-quote").textContent()).resolves.toBe("Original message deleted");
      await expect(messageRow(page, "Original plan: gears first, then the mill").count()).resolves.toBe(0); // not loaded

      await quote.click();
      const originalRow = messageRow(page, "Original plan: gears first, then the mill");
      await originalRow.waitFor();
      await expect(originalRow.getAttribute("data-highlight")).resolves.toBe("true");
      await expect(inView(originalRow)).resolves.toBe(true);
      // a deleted original that is loaded shows as deleted where it stands
      await expect(page.locator(`[data-message-id="${doomed}"]`).getAttribute("data-deleted")).resolves.toBe("true");
      await shootLightAndDark(page, `replies-jump-${name}`);
      // live news while the old stretch is shown is not lost, nor put in the wrong place
      expect((await send(ada, replies.id, "Posted while you were reading history")).ok).toBe(true);
      await page.waitForTimeout(500);
      await expect(messageRow(page, "Posted while you were reading history").count()).resolves.toBe(0);
      await page.getByTestId("jump-to-latest").click();
      await messageRow(page, "Posted while you were reading history").waitFor();
      await expect(originalRow.count()).resolves.toBe(0);

      // --- writing a reply: started from the message's actions, Escape cancels, Enter sends it with its quote
      const posted = messageRow(page, "Posted while you were reading history");
      await act(page, posted, "Reply", phone);
      const replyBar = page.getByTestId("reply-bar");
      await expect(replyBar.textContent()).resolves.toBe("Replying to Ada Lovelace: Posted while you were reading history");
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("composer-input");
      await composerOf(page).press("Escape");
      await expect(replyBar.count()).resolves.toBe(0);
      await act(page, posted, "Reply", phone);
      await composerOf(page).fill("Then we start on Monday");
      if (!phone) await shootLightAndDark(page, `replies-composer-${name}`);
      await composerOf(page).press("Enter");
      const mine = messageRow(page, "Then we start on Monday");
      await mine.getByTestId("reply-quote").waitFor();
      await expect(mine.getByTestId("reply-quote").textContent()).resolves.toBe("Ada LovelacePosted while you were reading history");
      await expect(replyBar.count()).resolves.toBe(0);
      // (the quote shows while the send is on its way: the stored row comes with the acknowledgement)
      const storedReply = () => testSql()`select r.body from messages m join messages r on r.id = m.reply_to_id where m.conversation_id = ${replies.id} and m.body = 'Then we start on Monday'`;
      await eventually(async () => (await storedReply()).length === 1);
      expect((await storedReply())[0].body).toBe("Posted while you were reading history");

      // --- a reply written offline shows its quote while it waits, and keeps it once sent
      await context.setOffline(true);
      await page.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ timeout: 15_000 });
      await act(page, posted, "Reply", phone);
      // (the name first: with the caret after other words no @ list is open for Enter to pick from)
      const tunnel = `@${ada.username} written in the tunnel`;
      await composerOf(page).fill(tunnel);
      await composerOf(page).press("Enter");
      const waiting = messageRow(page, tunnel);
      await waiting.and(page.locator("[data-status=pending]")).waitFor();
      await expect(waiting.getByTestId("reply-quote").textContent()).resolves.toBe("Ada LovelacePosted while you were reading history");
      await expect(waiting.getByTestId("mention").allTextContents()).resolves.toEqual([`@${ada.username}`]);
      await shootLightAndDark(page, `replies-pending-${name}`);
      await context.setOffline(false);
      await page.locator("[data-connection-banner][data-connection=connected]").waitFor({ timeout: 20_000 });
      await eventually(async () => (await waiting.getAttribute("data-status")) === null);
      await expect(waiting.getByTestId("reply-quote").textContent()).resolves.toBe("Ada LovelacePosted while you were reading history");

      // --- pins: pin from the actions, the count follows live, an unloaded pin too, the list and its jump
      const count = page.getByTestId("pinned-count");
      await expect(count.textContent()).resolves.toBe("0");
      await act(page, agreed, "Pin", phone);
      await agreed.getByTestId("pinned-mark").waitFor();
      await expect(count.textContent()).resolves.toBe("1");
      // Ada pins an old message this page does not hold: the count still follows
      expect((await ada.socket.timeout(10_000).emitWithAck("message:pin", { messageId: await idOf(replies.id, 5), pinned: true })).ok).toBe(true);
      await eventually(async () => (await count.textContent()) === "2");
      const pinnedButton = page.getByTestId("pinned-button");
      await pinnedButton.click();
      const dialog = page.getByRole("dialog", { name: "Pinned messages" });
      const entries = dialog.getByTestId("pinned-entry");
      await entries.nth(1).waitFor();
      await expect(entries.allTextContents()).resolves.toEqual([expect.stringContaining("Gear note 5"), expect.stringContaining("Agreed on the gears")]);
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await shootLightAndDark(page, `replies-pins-${name}`);
      await page.keyboard.press("Escape");
      await expect(dialog.count()).resolves.toBe(0);
      await expect(pinnedButton.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
      await pinnedButton.click();
      await entries.first().click();
      const note5 = messageRow(page, "Gear note 5");
      await note5.waitFor();
      await expect(note5.getAttribute("data-highlight")).resolves.toBe("true");
      await expect(note5.getByTestId("pinned-mark").count()).resolves.toBe(1);
      await expect(inView(note5)).resolves.toBe(true);
      // unpinned from here: the count follows
      await act(page, note5, "Unpin", phone);
      await eventually(async () => (await count.textContent()) === "1");

      expect(scriptErrors).toEqual([]);
      await context.close();
    });
  }
});
