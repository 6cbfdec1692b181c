/**
 * Message search (issue 14, item 8) in Chromium, at desktop and phone width, light and dark: the
 * sidebar's button, Ctrl+Shift+F and "/" open it; results come grouped by conversation, newest
 * first, with the matching words marked (as text: a body of HTML stays text); the filters narrow
 * them; a hit in a conversation that is not open, and whose message is not loaded, opens it at the
 * message (loaded `around` it) and highlights it; Escape closes the dialog.
 */
import type { Page } from "playwright-core";
import { baseUrl, testSql } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, seriousA11yViolations, shootLightAndDark } from "../support/browser";
import { chatUser, createGroup, seedMessages, send, sidebarRow, useChatBrowser } from "../support/chat";

jest.setTimeout(300_000);

const browser = useChatBrowser();


/** Waits until the results answer the dialog's current query (no search pending or running). */
const settled = (page: Page) => page.locator('[data-testid=search-results][aria-busy="false"]').waitFor();


describe("message search", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`at ${name}`, async () => {
      const phone = viewport === PHONE;
      const [me, ada, bob] = await Promise.all([chatUser({ displayName: "Sam Searcher" }), chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "Bob Builder" })]);
      const mill = await createGroup(ada, "Mill plans", [me, bob]);
      const kitchen = await createGroup(bob, "Kitchen", [me]);
      // the hit sits at seq 3 of 120: far from the newest page the conversation opens on
      await seedMessages(mill.id, ada, 120, (i) => (i === 3 ? "The Résumé of the waterwheel design is ready" : `Mill note ${i}`), 5);
      await testSql()`update members set last_read_seq = 120 where conversation_id = ${mill.id}`;
      expect((await send(bob, kitchen.id, "Sending my resume <b>tonight</b>")).ok).toBe(true);
      expect((await send(bob, mill.id, "Unrelated chatter about gears")).ok).toBe(true);

      const { page, scriptErrors } = await openSignedIn(browser(), me, viewport);
      await sidebarRow(page, "Kitchen").waitFor();

      // opened from the sidebar's button
      await page.getByTestId("search-button").click();
      const input = page.getByTestId("search-input");
      await input.waitFor();
      await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await input.fill("resume");
      const hits = page.getByTestId("search-hit");
      await hits.nth(1).waitFor();
      // newest first, grouped by conversation, the sender and the marked words
      await expect(page.getByTestId("search-results").locator("h3").allTextContents()).resolves.toEqual(["Kitchen", "Mill plans"]);
      await expect(hits.nth(0).textContent()).resolves.toContain("Bob Builder");
      await expect(hits.nth(0).locator("mark").allTextContents()).resolves.toEqual(["resume"]);
      await expect(hits.nth(1).locator("mark").allTextContents()).resolves.toEqual(["Résumé"]);
      // a body's HTML is text
      await expect(hits.nth(0).locator("b").count()).resolves.toBe(0);
      await expect(hits.nth(0).textContent()).resolves.toContain("<b>tonight</b>");
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await shootLightAndDark(page, `search-results-${name}`);

      // a phrase, an exclusion, the filters
      await input.fill('"waterwheel design" -gears');
      await settled(page);
      await expect(hits.first().locator("mark").allTextContents()).resolves.toEqual(["waterwheel design"]);
      await expect(hits.count()).resolves.toBe(1);
      await input.fill("resume");
      await page.getByRole("button", { name: "Filters" }).click();
      await page.getByTestId("search-from").fill(bob.username);
      await settled(page);
      await expect(hits.count()).resolves.toBe(1);
      await expect(hits.first().textContent()).resolves.toContain("Sending my");
      await page.getByTestId("search-from").fill("");
      await page.getByTestId("search-in").selectOption(mill.id);
      await settled(page);
      await expect(hits.count()).resolves.toBe(1);
      await expect(hits.first().textContent()).resolves.toContain("waterwheel");
      await page.getByTestId("search-in").selectOption("");
      await page.getByTestId("search-before").fill("2000-01-01");
      await settled(page);
      await page.getByText("No messages match.").waitFor();
      await page.getByTestId("search-before").fill("");
      await settled(page);
      await expect(hits.count()).resolves.toBe(2);
      if (!phone) await shootLightAndDark(page, `search-filters-${name}`);

      // a hit in another conversation, not loaded: opened there at the message, highlighted
      await hits.nth(1).click();
      await page.waitForURL(`${baseUrl()}/c/${mill.id}`);
      const row = page.getByTestId("message").filter({ hasText: "The Résumé of the waterwheel design is ready" });
      await row.waitFor();
      await expect(row.getAttribute("data-highlight")).resolves.toBe("true");
      await expect(page.getByTestId("search-input").count()).resolves.toBe(0);
      await shootLightAndDark(page, `search-opened-${name}`);
      // the window around the hit opens at the hit, not at its end (from there it loaded page after
      // page until it met the live end); and what lies below is history, not news
      await page.waitForTimeout(500);
      await expect(page.getByTestId("message").filter({ hasText: "Mill note 100" }).count()).resolves.toBe(0);
      await expect(page.getByTestId("jump-to-latest").textContent()).resolves.toBe("Jump to latest");

      // the keys: Ctrl+Shift+F anywhere, "/" outside a text field; Escape closes
      await page.keyboard.press("Control+Shift+F");
      await input.waitFor();
      await page.keyboard.press("Escape");
      await expect(input.count()).resolves.toBe(0);
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("/");
      await input.waitFor();
      await page.keyboard.type("gears");
      await expect(input.inputValue()).resolves.toBe("gears");
      await settled(page);
      await expect(hits.first().locator("mark").allTextContents()).resolves.toEqual(["gears"]);
      await page.keyboard.press("Escape");
      await expect(input.count()).resolves.toBe(0);
      // "/" typed in the composer is text
      const composer = page.getByLabel("Message", { exact: true });
      await composer.click();
      await page.keyboard.type("a/b");
      await expect(composer.inputValue()).resolves.toBe("a/b");
      await expect(input.count()).resolves.toBe(0);

      expect(scriptErrors).toEqual([]);
    });
  }
});
