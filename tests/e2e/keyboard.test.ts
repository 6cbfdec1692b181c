/**
 * The keyboard in Chromium with real keys (issue 13, item 10; docs/chat-ui.md "Keyboard"), at
 * desktop width: Ctrl+K ranks the direct conversation with a person above a busier group that
 * merely contains them and opens it with the focus in the composer; Up in the empty composer edits
 * one's last message and Escape cancels back to the composer; Alt+↑/↓ walk the sidebar's order and
 * stop at its ends; a sidebar row clicked or Entered focuses the composer; Tab crosses the message
 * list in one step (its current message and that message's buttons), ↑/↓ and Enter inside it;
 * Escape closes every dialog (group settings, new group, new message, the switcher over another
 * dialog) also after a pressed button vanished. At phone width: opening a conversation leaves the
 * on-screen keyboard down (no composer focus), and an attached keyboard's Escape still closes
 * dialogs. Screenshots of the focused states, light and dark.
 */
import type { Page } from "playwright-core";
import { baseUrl } from "../support/api";
import { DESKTOP, hydrated, openSignedIn, PHONE, screenshot, seriousA11yViolations } from "../support/browser";
import { chatUser, composerOf, createDirect, createGroup, send, settle, sidebarRow, useChatBrowser } from "../support/chat";

jest.setTimeout(240_000);

const browser = useChatBrowser();

/** What has the focus, in words: "composer", "message:<text>", "button:<name>", "dialog:<title>", "body", … */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "body";
    if (el.id === "composer-input") return "composer";
    if (el.dataset.messageKey) return `message:${el.querySelector("[data-testid=message-body]")?.textContent ?? el.textContent}`;
    if (el.getAttribute("role") === "dialog") return `dialog:${document.getElementById(el.getAttribute("aria-labelledby") ?? "")?.textContent}`;
    if (el.tagName === "BUTTON") return `button:${el.getAttribute("aria-label") ?? el.textContent?.trim()}`;
    if (el.tagName === "A") return `link:${el.getAttribute("href")}`;
    if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") return `${el.tagName.toLowerCase()}:${el.getAttribute("aria-label") ?? document.querySelector(`label[for="${el.id}"]`)?.textContent}`;
    return el.tagName.toLowerCase();
  });
}

/** Waits until `what` (as `focused` says it) has the focus, and says what has it. */
async function focusOn(page: Page, what: string): Promise<string> {
  const deadline = Date.now() + 5000;
  let now = await focused(page);
  while (now !== what && Date.now() < deadline) {
    await page.waitForTimeout(50);
    now = await focused(page);
  }
  return now;
}

/** Screenshots `name` light and dark, focus and all, and checks axe in both. */
async function bothThemes(page: Page, name: string): Promise<string[]> {
  const violations: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    violations.push(...(await seriousA11yViolations(page)));
    await screenshot(page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  return violations;
}

const dialog = (page: Page, name: string) => page.getByRole("dialog", { name });

/** Kim, with a direct conversation with Ada (oldest), one with Bob, and the busier group "Engine room" with both (newest). */
async function setUp() {
  const [me, ada, bob] = await Promise.all([chatUser({ displayName: "Kim Keys" }), chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "Bob Babbage" })]);
  const dmAda = await createDirect(me, ada);
  for (const [who, body] of [
    [me, "The loom plans are ready"],
    [ada, "Great, send them over"],
    [me, "Sending the loom plans tonight"],
  ] as const)
    expect((await send(who, dmAda.id, body)).ok).toBe(true);
  const dmBob = await createDirect(me, bob);
  expect((await send(bob, dmBob.id, "Lunch on Friday?")).ok).toBe(true);
  const group = await createGroup(me, "Engine room", [ada, bob]);
  for (let i = 1; i <= 5; i++) {
    expect((await send(me, group.id, `Gear ${i} is cut`)).ok).toBe(true);
    expect((await send(bob, group.id, `Drawing ${i}: https://example.com/gear-${i}`)).ok).toBe(true);
  }
  expect((await send(me, group.id, "Gears ordered")).ok).toBe(true);
  return { me, dmAda, dmBob, group };
}

describe("the keyboard", () => {
  it("at desktop width", async () => {
    const { me, dmAda, dmBob, group } = await setUp();
    const { page, context, scriptErrors } = await openSignedIn(browser(), me, DESKTOP);
    const found: Record<string, unknown> = {};
    const a11y: string[] = [];
    const url = (id: string) => `${baseUrl()}/c/${id}`;

    // Ctrl+K: the direct conversation with Ada above the busier group she is merely in
    await sidebarRow(page, "Engine room").waitFor();
    // the keys are heard once the page is hydrated (the server's HTML shows the list before that)
    await hydrated(sidebarRow(page, "Engine room"));
    await page.keyboard.press("Control+k");
    await dialog(page, "Go to conversation").waitFor();
    await page.keyboard.type("ada");
    await page.getByRole("option").filter({ hasText: "Engine room" }).waitFor();
    found.switcher = await page.getByRole("option").allTextContents();
    a11y.push(...(await bothThemes(page, "keyboard-switcher-desktop")));
    await page.keyboard.press("Enter");
    await page.waitForURL(url(dmAda.id));
    found.afterSwitcher = await focusOn(page, "composer");

    // Up in the empty composer edits the last message of one's own; Escape cancels, back in the composer
    await page.getByTestId("message-body").filter({ hasText: "Sending the loom plans tonight" }).waitFor();
    await page.keyboard.press("ArrowUp");
    found.editing = await focusOn(page, "textarea:Edit message");
    found.editingText = await page.getByLabel("Edit message").inputValue();
    a11y.push(...(await bothThemes(page, "keyboard-edit-last-desktop")));
    await page.keyboard.type(" (typo)");
    await page.keyboard.press("Escape");
    found.afterEscape = await focusOn(page, "composer");
    found.editBoxes = await page.getByLabel("Edit message").count();
    await page.keyboard.press("ArrowUp");
    await page.keyboard.type(" and the cards");
    await page.keyboard.press("Enter");
    await page.getByTestId("message").filter({ hasText: "and the cards" }).filter({ hasText: "(edited)" }).waitFor();
    found.afterSave = await focusOn(page, "composer");

    // Alt+↑/↓ walk the sidebar (Engine room, Bob, Ada) and stop at its ends
    const walk: string[] = [];
    const names = { [group.id]: "Engine room", [dmBob.id]: "Bob", [dmAda.id]: "Ada" };
    for (const key of ["Alt+ArrowDown", "Alt+ArrowUp", "Alt+ArrowUp", "Alt+ArrowUp", "Alt+ArrowDown"]) {
      const before = page.url();
      await page.keyboard.press(key);
      await page.waitForURL((u) => u.href !== before, { timeout: 3000 }).catch(() => {});
      await settle(200);
      walk.push(`${key}: ${names[page.url().split("/c/")[1]]}, ${await focusOn(page, "composer")}`);
    }
    found.walk = walk;

    // a sidebar row, clicked or Entered, opens with the focus in the composer
    await sidebarRow(page, "Engine room").click();
    await page.waitForURL(url(group.id));
    found.clicked = await focusOn(page, "composer");
    await sidebarRow(page, "Ada Lovelace").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(url(dmAda.id));
    found.entered = await focusOn(page, "composer");
    await sidebarRow(page, "Engine room").click();
    await page.waitForURL(url(group.id));
    await page.getByTestId("message-body").filter({ hasText: "Gears ordered" }).waitFor();

    // Tab from the header to the composer: the list's current message and its buttons, no one else's
    await page.getByRole("button", { name: "Group settings" }).focus();
    const path: string[] = [];
    for (let i = 0; i < 40 && path[path.length - 1] !== "composer"; i++) {
      await page.keyboard.press("Tab");
      path.push(await focused(page));
    }
    found.tabPath = path;
    // back into the list; ↑ to other messages, Enter into one's buttons, Escape out and to the composer
    // (Shift+Tab back over the current message's buttons, as many as the tab path crossed)
    for (let i = 0; i < path.length - 1; i++) await page.keyboard.press("Shift+Tab");
    const inList: string[] = [await focused(page)];
    await page.keyboard.press("ArrowUp");
    inList.push(await focused(page));
    a11y.push(...(await bothThemes(page, "keyboard-message-focused-desktop")));
    await page.keyboard.press("ArrowUp");
    inList.push(await focused(page));
    await page.keyboard.press("Enter");
    inList.push(await focused(page));
    a11y.push(...(await bothThemes(page, "keyboard-message-actions-desktop")));
    await page.keyboard.press("Escape");
    inList.push(await focused(page));
    await page.keyboard.press("Escape");
    inList.push(await focused(page));
    found.inList = inList;

    // Escape closes every dialog, also after a pressed button vanished, and gives the focus back
    const escapes: Record<string, string> = {};
    const settings = page.getByRole("button", { name: "Group settings" });
    await settings.click();
    await dialog(page, "Group settings").getByRole("button", { name: "Add people" }).click();
    await dialog(page, "Group settings").getByRole("button", { name: "Cancel" }).click();
    escapes.settingsCancelled = await focused(page);
    await page.keyboard.press("Tab");
    escapes.tabStaysIn = String(await page.evaluate(() => Boolean(document.activeElement?.closest("[role=dialog]"))));
    await page.keyboard.press("Escape");
    escapes.settingsClosed = `${await dialog(page, "Group settings").count()} open, ${await focused(page)}`;

    await settings.click();
    await page.getByRole("button", { name: "Leave group…" }).click();
    escapes.leaveAsked = await focused(page);
    await page.keyboard.press("Escape");
    escapes.leaveCancelled = `${await dialog(page, "Group settings").count()} open, ${await focused(page)}`;
    a11y.push(...(await bothThemes(page, "keyboard-settings-after-escape-desktop")));
    await page.keyboard.press("Control+k");
    await dialog(page, "Go to conversation").waitFor();
    await page.keyboard.press("Escape");
    escapes.switcherOverSettings = `${await dialog(page, "Go to conversation").count()} + ${await dialog(page, "Group settings").count()} open, ${await focused(page)}`;
    await page.keyboard.press("Escape");
    escapes.settingsClosedAgain = `${await page.getByRole("dialog").count()} open, ${await focused(page)}`;

    await page.getByRole("button", { name: "New group" }).click();
    await dialog(page, "New group").getByTestId("pick-person").first().click();
    await dialog(page, "New group").getByTestId("member-chip").click();
    escapes.chipGone = `${await page.getByTestId("member-chip").count()} chips, ${await focused(page)}`;
    await page.keyboard.press("Escape");
    escapes.newGroupClosed = `${await page.getByRole("dialog").count()} open, ${await focused(page)}`;

    await page.getByRole("button", { name: "New message" }).click();
    await dialog(page, "New message").waitFor();
    await page.keyboard.press("Escape");
    escapes.newMessageClosed = `${await page.getByRole("dialog").count()} open, ${await focused(page)}`;
    found.escapes = escapes;

    expect(found).toEqual({
      switcher: [expect.stringContaining("Ada Lovelace"), expect.stringContaining("Engine room")],
      afterSwitcher: "composer",
      editing: "textarea:Edit message",
      editingText: "Sending the loom plans tonight",
      afterEscape: "composer",
      editBoxes: 0,
      afterSave: "composer",
      walk: [
        "Alt+ArrowDown: Ada, composer", // already at the bottom: stays
        "Alt+ArrowUp: Bob, composer",
        "Alt+ArrowUp: Engine room, composer",
        "Alt+ArrowUp: Engine room, composer", // the top: stays
        "Alt+ArrowDown: Bob, composer",
      ],
      clicked: "composer",
      entered: "composer",
      // the current message's actions (hover toolbar: Reply, Pin; Add reaction, Edit, Delete), no one else's,
      // then the composer's "Attach files" beside the field
      tabPath: ["message:Gears ordered", "button:Reply", "button:Pin", "button:Add reaction", "button:Edit", "button:Delete", "button:Attach files", "composer"],
      inList: [
        "message:Gears ordered",
        "message:Drawing 5: https://example.com/gear-5",
        "message:Gear 5 is cut",
        "button:Reply",
        "message:Gear 5 is cut",
        "composer",
      ],
      escapes: {
        settingsCancelled: "dialog:Group settings",
        tabStaysIn: "true",
        settingsClosed: "0 open, button:Group settings",
        leaveAsked: "button:Stay",
        leaveCancelled: "1 open, button:Leave group…",
        switcherOverSettings: "0 + 1 open, button:Leave group…",
        settingsClosedAgain: "0 open, button:Group settings",
        chipGone: "0 chips, dialog:New group",
        newGroupClosed: "0 open, button:New group",
        newMessageClosed: "0 open, button:New message",
      },
    });
    expect(a11y).toEqual([]);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  it("at phone width", async () => {
    const { me, dmBob, group } = await setUp();
    const { page, context, scriptErrors } = await openSignedIn(browser(), me, PHONE);
    const found: Record<string, unknown> = {};
    const a11y: string[] = [];

    // a tap opens the conversation without raising the on-screen keyboard
    await sidebarRow(page, "Engine room").click();
    await page.waitForURL(`${baseUrl()}/c/${group.id}`);
    await page.getByTestId("message-body").filter({ hasText: "Gears ordered" }).waitFor();
    await settle(500);
    found.tapped = await focused(page);
    a11y.push(...(await bothThemes(page, "keyboard-opened-phone")));

    // an attached keyboard: Escape closes group settings, after its buttons were pressed too
    await page.getByRole("button", { name: "Group settings" }).click();
    await page.getByRole("button", { name: "Leave group…" }).click();
    await page.keyboard.press("Escape");
    found.leaveCancelled = `${await dialog(page, "Group settings").count()} open, ${await focused(page)}`;
    a11y.push(...(await bothThemes(page, "keyboard-settings-after-escape-phone")));
    await page.getByRole("button", { name: "Add people" }).click();
    await dialog(page, "Group settings").getByRole("button", { name: "Cancel" }).click();
    await page.keyboard.press("Escape");
    found.settingsClosed = `${await page.getByRole("dialog").count()} open, ${await focused(page)}`;

    // Ctrl+K opens the switcher (from the conversation, where the sidebar it belongs to is hidden);
    // choosing opens the conversation, without focusing its composer
    await page.keyboard.press("Control+k");
    await dialog(page, "Go to conversation").waitFor();
    await page.keyboard.type("bob");
    await page.getByRole("option").first().waitFor();
    found.switcher = (await page.getByRole("option").allTextContents())[0];
    a11y.push(...(await bothThemes(page, "keyboard-switcher-phone")));
    await page.keyboard.press("Escape");
    found.switcherClosed = await page.getByRole("dialog").count();
    await page.keyboard.press("Control+k");
    await page.keyboard.type("bob");
    await page.getByRole("option").first().click();
    await page.waitForURL(`${baseUrl()}/c/${dmBob.id}`);
    await page.getByTestId("message-body").filter({ hasText: "Lunch on Friday?" }).waitFor();
    await settle(500);
    found.chosen = await focused(page);

    expect(found).toEqual({
      tapped: expect.not.stringMatching(/^composer$/),
      leaveCancelled: "1 open, button:Leave group…",
      settingsClosed: "0 open, button:Group settings",
      switcher: expect.stringContaining("Bob Babbage"),
      switcherClosed: 0,
      chosen: expect.not.stringMatching(/^composer$/),
    });
    expect(a11y).toEqual([]);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });
});
