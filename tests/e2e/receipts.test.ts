/**
 * Read receipts in Chromium (issue 13, item 8), with two real people in two browsers: when Bob
 * opens the conversation, Ada sees "Seen" appear under her newest message without a reload, and in
 * a group "Seen by 2" with both names (each isolated) on hover, keyboard focus or a tap. The list
 * stays at the newest message when the receipt appears there, and keeps what is in view when the
 * receipt moves while she reads further up. Desktop and phone, light and dark screenshots.
 */
import type { Locator, Page } from "playwright-core";
import { baseUrl } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, screenshot, seriousA11yViolations } from "../support/browser";
import { chatUser, composerOf, createDirect, createGroup, send, type ChatUser, useChatBrowser } from "../support/chat";

jest.setTimeout(180_000);

const browser = useChatBrowser();

/** The text React reports when the server's HTML and the first browser render differ. */
const HYDRATION = /hydrat|Minified React error #(418|423|425)/i;

const receipts = (page: Page) => page.getByTestId("read-receipt");
const names = (page: Page) => page.getByTestId("read-receipt-names");
const messageBody = (page: Page, text: string) => page.getByTestId("message-body").filter({ hasText: text });

/** The body of the message the (one) receipt sits under. */
async function receiptUnder(page: Page): Promise<string | null | undefined> {
  await expect(receipts(page).count()).resolves.toBe(1);
  return receipts(page).evaluate((el) => el.previousElementSibling?.querySelector("[data-testid=message-body]")?.textContent);
}

/** Waits until the receipt says `text` under the message that reads `body`. */
async function receiptShows(page: Page, text: string, body: string): Promise<void> {
  await page.waitForFunction(
    ([t, b]) => {
      const all = document.querySelectorAll("[data-testid=read-receipt]");
      return all.length === 1 && all[0].textContent === t && all[0].previousElementSibling?.querySelector("[data-testid=message-body]")?.textContent === b;
    },
    [text, body],
    { timeout: 10_000 },
  );
}

/** How far the message list is from its bottom (px). */
const fromBottom = (page: Page) => page.getByTestId("message-list").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

/** Whether `locator` is wholly inside the message list's view. */
async function inView(page: Page, locator: Locator): Promise<boolean> {
  const list = (await page.getByTestId("message-list").boundingBox())!;
  const box = (await locator.boundingBox())!;
  return box.y >= list.y && box.y + box.height <= list.y + list.height + 0.5;
}

/** Sends `count` messages in turns from `senders` (several, to stay under the send rate limit). */
async function chatter(senders: ChatUser[], conversationId: string, count: number, label: string) {
  for (let i = 1; i <= count; i++) expect((await send(senders[i % senders.length], conversationId, `${label} ${i}`)).ok).toBe(true);
}

const read = (user: ChatUser, conversationId: string, seq: number) => user.socket.timeout(5_000).emitWithAck("conversation:read", { conversationId, seq });

/** Ada, Bob and Noa (a right-to-left name); a direct conversation Ada–Bob and a group of the three, each long enough to scroll. */
async function people() {
  const [ada, bob, noa] = await Promise.all([chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "Bob Babbage" }), chatUser({ displayName: "נועה כהן" })]);
  const dm = await createDirect(ada, bob);
  await chatter([bob, ada], dm.id, 24, "Earlier note");
  expect((await send(ada, dm.id, "Shall we meet at the workshop on Friday?")).ok).toBe(true);
  const group = await createGroup(ada, "Analytical Engine", [bob, noa]);
  expect((await send(ada, group.id, "First draft of the notes is in the folder.")).ok).toBe(true);
  await chatter([bob, noa], group.id, 30, "Review comment");
  expect((await send(ada, group.id, "Can everyone look at note G before Monday?")).ok).toBe(true);
  // Ada has read both (elsewhere): they open at the newest message, with no unread divider
  for (const c of [dm, group]) expect(await read(ada, c.id, 1000)).toMatchObject({ ok: true });
  return { ada, bob, noa, dm, group };
}

describe("read receipts in the browser", () => {
  it("shows Seen live in a direct conversation and Seen by 2 with names in a group (desktop)", async () => {
    const { ada, bob, noa, dm, group } = await people();
    const A = await openSignedIn(browser(), ada);
    const B = await openSignedIn(browser(), bob);

    // direct: nothing until Bob opens it; then "Seen" under Ada's newest message, and she stays at the bottom
    await A.page.goto(`${baseUrl()}/c/${dm.id}`);
    await expect(messageBody(A.page, "Shall we meet at the workshop on Friday?").waitFor()).resolves.toBeUndefined();
    await A.page.waitForTimeout(300);
    await expect(receipts(A.page).count()).resolves.toBe(0);
    await expect(fromBottom(A.page)).resolves.toBeLessThan(2);
    await B.page.goto(`${baseUrl()}/c/${dm.id}`);
    await receiptShows(A.page, "Seen", "Shall we meet at the workshop on Friday?");
    await A.page.waitForTimeout(100);
    await expect(fromBottom(A.page)).resolves.toBeLessThan(2);
    await expect(inView(A.page, receipts(A.page))).resolves.toBe(true);

    // she writes again while Bob has it open: the one receipt moves to the new message
    await composerOf(A.page).fill("I will bring the punched cards.");
    await composerOf(A.page).press("Enter");
    await receiptShows(A.page, "Seen", "I will bring the punched cards.");
    await expect(fromBottom(A.page)).resolves.toBeLessThan(2);
    for (const scheme of ["light", "dark"] as const) {
      await A.page.emulateMedia({ colorScheme: scheme });
      await expect(seriousA11yViolations(A.page)).resolves.toEqual([]);
      await screenshot(A.page, `receipts-direct-desktop-${scheme}`);
    }
    await A.page.emulateMedia({ colorScheme: "light" });

    // group: Noa read Ada's first message only; Ada reads further up, with the receipt above her view
    expect(await read(noa, group.id, 1)).toMatchObject({ ok: true });
    await A.page.goto(`${baseUrl()}/c/${group.id}`);
    await receiptShows(A.page, "Seen by 1", "First draft of the notes is in the folder.");
    const list = A.page.getByTestId("message-list");
    // as a browser without CSS scroll anchoring (the list must keep the place itself)
    await list.evaluate((el) => {
      el.style.overflowAnchor = "none";
      el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
    });
    await A.page.waitForTimeout(200);
    const watched = A.page.getByTestId("message-body").filter({ hasText: /^Review comment 15$/ });
    const before = (await watched.boundingBox())!.y;
    await expect(inView(A.page, watched)).resolves.toBe(true);
    // Noa reads everything: the receipt leaves the top (above the view) for the newest (below it)
    expect(await read(noa, group.id, 1000)).toMatchObject({ ok: true });
    await receiptShows(A.page, "Seen by 1", "Can everyone look at note G before Monday?");
    await A.page.waitForTimeout(100);
    expect(Math.abs((await watched.boundingBox())!.y - before)).toBeLessThan(1);

    // back at the bottom, Bob opens the group: "Seen by 2", and the view stays at the bottom
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await A.page.waitForTimeout(200);
    await B.page.goto(`${baseUrl()}/c/${group.id}`);
    await receiptShows(A.page, "Seen by 2", "Can everyone look at note G before Monday?");
    await A.page.waitForTimeout(100);
    await expect(fromBottom(A.page)).resolves.toBeLessThan(2);
    const button = receipts(A.page).getByRole("button", { name: "Seen by 2" });

    // hover: the names, each in an isolation of its own
    await button.hover();
    await expect(names(A.page).waitFor()).resolves.toBeUndefined();
    await expect(names(A.page).getAttribute("role")).resolves.toBe("tooltip");
    await expect(names(A.page).locator("li > bdi").allTextContents().then((n) => n.sort())).resolves.toEqual(["Bob Babbage", "נועה כהן"]);
    for (const scheme of ["light", "dark"] as const) {
      await A.page.emulateMedia({ colorScheme: scheme });
      await expect(seriousA11yViolations(A.page)).resolves.toEqual([]);
      await screenshot(A.page, `receipts-group-desktop-${scheme}`);
    }
    await A.page.emulateMedia({ colorScheme: "light" });
    await A.page.mouse.move(5, 5);
    await expect(names(A.page).waitFor({ state: "detached" })).resolves.toBeUndefined();

    // keyboard: back from the composer (past its "Attach files" button) onto it shows them, Escape closes them
    await composerOf(A.page).focus();
    await A.page.keyboard.press("Shift+Tab");
    await expect(A.page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).resolves.toBe("Attach files");
    await A.page.keyboard.press("Shift+Tab");
    await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expect(names(A.page).waitFor()).resolves.toBeUndefined();
    await A.page.keyboard.press("Escape");
    await expect(names(A.page).waitFor({ state: "detached" })).resolves.toBeUndefined();

    expect(A.scriptErrors).toEqual([]);
    expect(B.scriptErrors).toEqual([]);
    // the pages came with their receipts already drawn by the server: the browser drew the same
    expect(A.consoleErrors.filter((e) => HYDRATION.test(e))).toEqual([]);
    await A.context.close();
    await B.context.close();
  });

  it("shows the receipts on a phone, the names on a tap, light and dark", async () => {
    const { ada, bob, noa, dm, group } = await people();
    const A = await openSignedIn(browser(), ada, PHONE);
    const B = await openSignedIn(browser(), bob, DESKTOP);

    await A.page.goto(`${baseUrl()}/c/${dm.id}`);
    await expect(messageBody(A.page, "Shall we meet at the workshop on Friday?").waitFor()).resolves.toBeUndefined();
    await B.page.goto(`${baseUrl()}/c/${dm.id}`);
    await receiptShows(A.page, "Seen", "Shall we meet at the workshop on Friday?");
    await A.page.waitForTimeout(100);
    await expect(fromBottom(A.page)).resolves.toBeLessThan(2);
    for (const scheme of ["light", "dark"] as const) {
      await A.page.emulateMedia({ colorScheme: scheme });
      await screenshot(A.page, `receipts-direct-phone-${scheme}`);
    }
    await A.page.emulateMedia({ colorScheme: "light" });

    expect(await read(noa, group.id, 1000)).toMatchObject({ ok: true });
    await A.page.goto(`${baseUrl()}/c/${group.id}`);
    await receiptShows(A.page, "Seen by 1", "Can everyone look at note G before Monday?");
    await B.page.goto(`${baseUrl()}/c/${group.id}`);
    await receiptShows(A.page, "Seen by 2", "Can everyone look at note G before Monday?");
    await A.page.waitForTimeout(100);
    await expect(fromBottom(A.page)).resolves.toBeLessThan(2);

    // the line stays small, but a finger 20 px above or below its middle still hits it
    const button = receipts(A.page).getByRole("button", { name: "Seen by 2" });
    const box = (await button.boundingBox())!;
    expect(box.height).toBeLessThan(20);
    const hits = await button.evaluate((el, b) => [-20, 20].map((dy) => el.contains(document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2 + dy))), box);
    expect(hits).toEqual([true, true]);

    // a tap opens the names, a tap elsewhere closes them
    await button.tap();
    await expect(names(A.page).waitFor()).resolves.toBeUndefined();
    await expect(names(A.page).locator("li > bdi").allTextContents().then((n) => n.sort())).resolves.toEqual(["Bob Babbage", "נועה כהן"]);
    const popover = (await names(A.page).boundingBox())!;
    expect(popover.x).toBeGreaterThanOrEqual(0);
    expect(popover.x + popover.width).toBeLessThanOrEqual(PHONE.width);
    for (const scheme of ["light", "dark"] as const) {
      await A.page.emulateMedia({ colorScheme: scheme });
      await expect(seriousA11yViolations(A.page)).resolves.toEqual([]);
      await screenshot(A.page, `receipts-group-phone-${scheme}`);
    }
    await A.page.getByTestId("conversation-title").tap();
    await expect(names(A.page).waitFor({ state: "detached" })).resolves.toBeUndefined();

    expect(A.scriptErrors).toEqual([]);
    await A.context.close();
    await B.context.close();
  });
});
