/**
 * Drafts in Chromium (issue 13, item 11), at desktop and phone width: unsent text stays with its
 * conversation across a reload (kept on the device), the sidebar shows it as "Draft: …" while
 * another conversation is open, sending it ends the draft, and another account in the same browser
 * never sees it. Screenshots of the sidebar with a draft, light and dark.
 */
import type { Page } from "playwright-core";
import { baseUrl } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, screenshot, seriousA11yViolations, signInWithForm } from "../support/browser";
import { chatUser, composerOf, createDirect, createGroup, send, sidebarRow, useChatBrowser } from "../support/chat";

jest.setTimeout(180_000);

const browser = useChatBrowser();

const composer = composerOf;
const row = sidebarRow;
const preview = (page: Page, title: string) => row(page, title).getByTestId("conversation-preview");
const draftPreview = (page: Page, title: string) => row(page, title).locator("[data-testid=conversation-preview][data-draft]");

/** Waits until the composer holds `text` (a page that has just loaded fills it in once hydrated). */
async function composerHolds(page: Page, text: string): Promise<string> {
  await page.waitForFunction((t) => (document.getElementById("composer-input") as HTMLTextAreaElement | null)?.value === t, text, { timeout: 5000 }).catch(() => {});
  return composer(page).inputValue();
}

/** The text React reports when the server's HTML and the first browser render differ. */
const HYDRATION = /hydrat|Minified React error #(418|423|425)/i;

describe("drafts in the browser", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`survive a reload and show as "Draft" in the sidebar (${name})`, async () => {
      const phone = viewport === PHONE;
      const [me, ada, bob] = await Promise.all([chatUser({ displayName: "Dora Drafter" }), chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "Bob Babbage" })]);
      const dm = await createDirect(me, ada);
      const group = await createGroup(me, "Difference engine", [ada, bob]);
      expect((await send(ada, dm.id, "Are we still on for Thursday?")).ok).toBe(true);
      expect((await send(bob, group.id, "The gears arrive tomorrow.")).ok).toBe(true);

      const { page, context, scriptErrors, consoleErrors } = await openSignedIn(browser(), me, viewport);
      const leave = async () => {
        if (phone) await page.getByRole("link", { name: "Back to conversations" }).click();
        else await row(page, "Difference engine").click();
      };

      // a draft in the direct conversation, then elsewhere: the sidebar says "Draft: …"
      const draft = "Thursday works — I will bring the punched cards, שלום and the notes for the second loom";
      await row(page, "Ada Lovelace").click();
      await page.waitForURL(`${baseUrl()}/c/${dm.id}`);
      await expect(draftPreview(page, "Ada Lovelace").count()).resolves.toBe(0);
      await composer(page).fill(draft);
      await leave();
      await expect(draftPreview(page, "Ada Lovelace").waitFor()).resolves.toBeUndefined();
      await expect(preview(page, "Ada Lovelace").textContent()).resolves.toBe(`Draft: ${draft}`);
      await expect(preview(page, "Ada Lovelace").locator("bdi").textContent()).resolves.toBe(draft);
      const colours = await preview(page, "Ada Lovelace").evaluate((p) => [getComputedStyle(p.firstElementChild!).color, getComputedStyle(p).color]);
      expect(colours[0]).not.toBe(colours[1]);
      await expect(preview(page, "Difference engine").textContent()).resolves.toContain("The gears arrive tomorrow.");
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect(seriousA11yViolations(page)).resolves.toEqual([]);
        await screenshot(page, `drafts-sidebar-${name}${scheme === "dark" ? "-dark" : ""}`);
      }
      await page.emulateMedia({ colorScheme: "light" });

      // a reload keeps it, in the sidebar and in the composer; the open conversation's own row shows its last message
      await page.reload();
      await expect(draftPreview(page, "Ada Lovelace").waitFor()).resolves.toBeUndefined();
      await row(page, "Ada Lovelace").click();
      await page.waitForURL(`${baseUrl()}/c/${dm.id}`);
      await expect(composerHolds(page, draft)).resolves.toBe(draft);
      if (!phone) await expect(preview(page, "Ada Lovelace").textContent()).resolves.toBe("Are we still on for Thursday?");

      // typed just before the page goes: saved as it is hidden, and restored into the composer the page loads with
      await composer(page).fill(`${draft}!`);
      await page.reload();
      await expect(composerHolds(page, `${draft}!`)).resolves.toBe(`${draft}!`);

      // sent: the draft is gone, from the sidebar and from the device
      await composer(page).press("Enter");
      await expect(page.getByTestId("message").filter({ hasText: "second loom!" }).waitFor()).resolves.toBeUndefined();
      await expect(composer(page).inputValue()).resolves.toBe("");
      await leave();
      await expect(preview(page, "Ada Lovelace").filter({ hasText: "You: Thursday works" }).waitFor()).resolves.toBeUndefined();
      await expect(draftPreview(page, "Ada Lovelace").count()).resolves.toBe(0);
      await page.reload();
      await expect(preview(page, "Ada Lovelace").filter({ hasText: "You: Thursday works" }).waitFor()).resolves.toBeUndefined();
      await expect(page.locator("[data-draft]").count()).resolves.toBe(0);
      await row(page, "Ada Lovelace").click();
      await page.waitForURL(`${baseUrl()}/c/${dm.id}`);
      await expect(composer(page).inputValue()).resolves.toBe("");

      if (!phone) {
        // another account in the same browser never sees it
        await row(page, "Difference engine").click();
        await page.waitForURL(`${baseUrl()}/c/${group.id}`);
        await composer(page).fill("Only Dora may read this");
        await row(page, "Ada Lovelace").click();
        await expect(draftPreview(page, "Difference engine").waitFor()).resolves.toBeUndefined();
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL(`${baseUrl()}/login`);
        await signInWithForm(page, ada.username, ada.password);
        await page.waitForURL(`${baseUrl()}/`);
        await expect(row(page, "Difference engine").waitFor()).resolves.toBeUndefined();
        await expect(page.locator("[data-draft]").count()).resolves.toBe(0);
        await row(page, "Difference engine").click();
        await page.waitForURL(`${baseUrl()}/c/${group.id}`);
        await expect(composer(page).inputValue()).resolves.toBe("");
      }

      expect(scriptErrors).toEqual([]);
      expect(consoleErrors.filter((e) => HYDRATION.test(e))).toEqual([]);
      await context.close();
    });
  }
});
