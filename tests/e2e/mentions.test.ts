/**
 * Mentions and notification levels in Chromium (issue 13, items 4 and 5), at desktop and phone
 * width: the sidebar's "@" badge, mentions highlighted (mine more strongly, none inside code), the
 * `@` autocomplete by keyboard and by tap, `@all` in a group of 11 asking first (Escape keeps the
 * text and gives the composer its focus back), the bell menu muting a conversation (a dot for a
 * mention, no count, nothing in the tab title), and the desktop-notifications switch turning off.
 * Screenshots light and dark of each piece.
 */
import type { Page } from "playwright-core";
import { baseUrl, testSql, uniqueName } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, screenshot, seriousA11yViolations } from "../support/browser";
import { chatUser, composerOf, createDirect, createGroup, send, sidebarRow, useChatBrowser } from "../support/chat";

jest.setTimeout(300_000);

const browser = useChatBrowser();
const composer = composerOf;
const row = sidebarRow;

async function shots(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, `${name}${scheme === "dark" ? "-dark" : ""}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}
const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute("data-testid") || null);

describe("mentions and notification levels", () => {
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    it(`at ${size}`, async () => {
      const phone = size === "phone";
      const [me, ada, bob, ...crew] = await Promise.all([
        chatUser({ displayName: "Mia Mentioned", username: uniqueName("mia") }),
        chatUser({ displayName: "Ada Lovelace", username: uniqueName("ada") }),
        chatUser({ displayName: "Bob Babbage", username: uniqueName("bob") }),
        ...Array.from({ length: 8 }, (_, i) => chatUser({ displayName: `Crew ${i + 1}` })),
      ]);
      const group = await createGroup(me, "Launch crew", [ada, bob, ...crew]);
      expect(group.members).toHaveLength(11);
      const dm = await createDirect(me, ada);
      expect((await send(bob, group.id, `@${me.username.toUpperCase()} can you check the manifest?`)).ok).toBe(true);
      expect((await send(ada, group.id, `thanks @${bob.username}, and \`@${me.username}\` in code is no mention`)).ok).toBe(true);
      expect((await send(ada, dm.id, "Lunch at noon?")).ok).toBe(true);

      const { page, context, scriptErrors } = await openSignedIn(browser(), me, viewport);
      await context.grantPermissions(["notifications"], { origin: baseUrl() });
      await page.reload();

      // the sidebar: 2 unread and "@1" beside it
      await row(page, "Launch crew").getByTestId("mention-badge").waitFor();
      await expect(row(page, "Launch crew").getByTestId("mention-badge").textContent()).resolves.toBe("@1 mention");
      await expect(row(page, "Launch crew").getByTestId("unread-badge").textContent()).resolves.toBe("2 unread");
      await expect(row(page, "Lunch at noon?").getByTestId("mention-badge").count()).resolves.toBe(0);
      await shots(page, `mentions-sidebar-${size}`);

      // the desktop-notifications switch shows its state and turns off, for this device, across a reload
      const toggle = page.getByRole("switch", { name: "Desktop notifications" });
      await expect(toggle.getAttribute("aria-checked")).resolves.toBe("true");
      await toggle.click();
      await expect(page.getByRole("switch", { name: "Enable notifications" }).getAttribute("aria-checked")).resolves.toBe("false");
      await expect(page.evaluate(() => localStorage.getItem("parley:desktop-notifications:v1"))).resolves.toBe("off");
      await page.reload();
      await expect(page.getByRole("switch", { name: "Enable notifications" }).getAttribute("aria-checked")).resolves.toBe("false");

      // highlighted: the mention of me strongly, Bob's plainly, the one in code not at all
      await row(page, "Launch crew").click();
      await page.waitForURL(`${baseUrl()}/c/${group.id}`);
      const mine = messageWith(page, "can you check the manifest").getByTestId("mention");
      await expect(mine.textContent()).resolves.toBe(`@${me.username.toUpperCase()}`);
      await expect(mine.getAttribute("data-mention")).resolves.toBe("me");
      const inCode = messageWith(page, "in code is no mention").getByTestId("mention");
      await expect(inCode.count()).resolves.toBe(1);
      await expect(inCode.textContent()).resolves.toBe(`@${bob.username}`);
      await expect(inCode.getAttribute("data-mention")).resolves.toBe("other");
      const [meBg, otherBg] = await Promise.all([mine.evaluate((e) => getComputedStyle(e).backgroundColor), inCode.evaluate((e) => getComputedStyle(e).backgroundColor)]);
      expect(meBg).not.toBe(otherBg);

      // the @ autocomplete: the textarea (a textbox: ARIA allows combobox on inputs only) controls a listbox that follows what is typed
      const input = composer(page);
      await expect(input.getAttribute("role")).resolves.toBeNull();
      await input.click();
      await input.pressSequentially("Ready @lov");
      const list = page.getByRole("listbox", { name: "People to mention" });
      await list.waitFor();
      await expect(list.getByRole("option").count()).resolves.toBe(1);
      await expect(list.getByRole("option", { name: `Ada Lovelace @${ada.username}` }).count()).resolves.toBe(1);
      await expect(input.getAttribute("aria-controls")).resolves.toBe(await list.getAttribute("id"));
      // Escape closes it for this name and keeps the text
      await input.press("Escape");
      await expect(list.waitFor({ state: "detached" })).resolves.toBeUndefined();
      await expect(input.inputValue()).resolves.toBe("Ready @lov");
      await input.fill("");
      // a bare "@" lists @all (a group), then the members by username; "@b" finds Bob first
      await input.pressSequentially(phone ? "Ready @b" : "Ready @");
      await list.waitFor();
      const options = list.getByRole("option");
      const bobOption = list.getByRole("option", { name: `Bob Babbage @${bob.username}` });
      if (!phone) await expect(options.first().getAttribute("aria-label")).resolves.toBe("Everyone in this group @all");
      await expect(input.getAttribute("aria-activedescendant")).resolves.toBe(await options.first().getAttribute("id"));
      await shots(page, `mentions-autocomplete-${size}`);
      if (phone) {
        await expect(options.first().getAttribute("aria-label")).resolves.toBe(`Bob Babbage @${bob.username}`);
        await options.first().tap();
      } else {
        // @all, Ada, Bob: down twice, up and down again, then Enter picks the highlighted one
        for (const key of ["ArrowDown", "ArrowDown", "ArrowUp", "ArrowDown"]) await input.press(key);
        await expect(bobOption.getAttribute("aria-selected")).resolves.toBe("true");
        await expect(input.getAttribute("aria-activedescendant")).resolves.toBe(await bobOption.getAttribute("id"));
        await input.press("Enter");
      }
      await expect(input.inputValue()).resolves.toBe(`Ready @${bob.username} `);
      await expect(focusedId(page)).resolves.toBe("composer-input");
      await input.pressSequentially("for liftoff");
      await input.press("Enter");
      await expect(messageWith(page, "for liftoff").getByTestId("mention").textContent()).resolves.toBe(`@${bob.username}`);

      // @all in a group of 11 asks first: Escape cancels, keeps the text and the focus in the composer
      const sentBefore = await page.getByTestId("message").count();
      await input.fill("@all standup in 5");
      await input.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Notify everyone?" });
      await dialog.waitFor();
      await expect(dialog.textContent()).resolves.toContain("11 members");
      await shots(page, `mentions-confirm-all-${size}`);
      await page.keyboard.press("Escape");
      await expect(dialog.waitFor({ state: "detached" })).resolves.toBeUndefined();
      await expect(focusedId(page)).resolves.toBe("composer-input");
      await expect(input.inputValue()).resolves.toBe("@all standup in 5");
      await expect(page.getByTestId("message").count()).resolves.toBe(sentBefore);
      await input.press("Enter");
      await dialog.getByRole("button", { name: "Send and notify everyone" }).click();
      await messageWith(page, "standup in 5").waitFor();
      await expect(input.inputValue()).resolves.toBe("");
      await expect(focusedId(page)).resolves.toBe("composer-input");

      // the bell: the current level is visible; Escape closes the menu; "Nothing" mutes
      const bell = page.getByTestId("notification-level");
      await expect(bell.getAttribute("data-level")).resolves.toBe("all");
      await bell.click();
      const menu = page.getByRole("menu", { name: "Notifications for this conversation" });
      await menu.waitFor();
      await expect(menu.getByRole("menuitemradio", { name: /All messages/ }).getAttribute("aria-checked")).resolves.toBe("true");
      await shots(page, `mentions-bell-${size}`);
      await page.keyboard.press("Escape");
      await expect(menu.waitFor({ state: "detached" })).resolves.toBeUndefined();
      await expect(focusedId(page)).resolves.toBe("notification-level");
      await bell.click();
      await menu.getByRole("menuitemradio", { name: /Nothing/ }).click();
      await page.waitForFunction(() => document.querySelector("[data-testid=notification-level]")?.getAttribute("data-level") === "none");
      await expect(testSql()`select notifications from members where conversation_id = ${group.id} and user_id = ${me.id}`).resolves.toEqual([{ notifications: "none" }]);

      // muted: a mention shows a dot, never a count, and adds nothing to the tab title
      if (phone) await page.getByRole("link", { name: "Back to conversations" }).click();
      else await row(page, "Ada Lovelace").click();
      await page.waitForURL(phone ? `${baseUrl()}/` : `${baseUrl()}/c/${dm.id}`);
      expect((await send(bob, group.id, `@${me.username} one more check`)).ok).toBe(true);
      expect((await send(bob, group.id, "and the weather is fine")).ok).toBe(true);
      await row(page, "Launch crew").getByTestId("mention-dot").waitFor();
      await expect(row(page, "Launch crew").getByTestId("unread-badge").count()).resolves.toBe(0);
      await expect(row(page, "Launch crew").getByTestId("mention-badge").count()).resolves.toBe(0);
      await expect(row(page, "Launch crew").getByTestId("muted-icon").count()).resolves.toBe(1);
      // the direct conversation is read on desktop (open), unread on the phone's list
      await expect(page.evaluate(() => document.title.match(/^\((\d+)\) /)?.[1] ?? "0")).resolves.toBe(phone ? "1" : "0");
      await shots(page, `mentions-muted-${size}`);

      expect(scriptErrors).toEqual([]);
      await context.close();
    });
  }
});
