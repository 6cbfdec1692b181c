/**
 * Reactions in Chromium (issue 13, item 3), at desktop and phone width: chips with counts under a
 * message, one's own highlighted and toggled by a click, who reacted on hover or a long press, live
 * both ways, the picker (search, Enter, Escape back to its button) opened from a message's actions,
 * and `:shortcode:` in the composer. The chat page's first-load JavaScript (the scripts its HTML
 * names) is measured, ≤ 190 KB on the wire; the socket's code loads right after, the picker's code
 * and data only when it opens. Screenshots light and dark.
 */
import type { Page, Response } from "playwright-core";
import type { MessageView } from "@/lib/messages/types";
import { baseUrl } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, screenshot, seriousA11yViolations } from "../support/browser";
import { chatUser, composerOf, createGroup, eventually, send, useChatBrowser, type ChatUser } from "../support/chat";

jest.setTimeout(180_000);

const browser = useChatBrowser();

/** Text only the emoji catalogue's data holds (a CLDR name), and only the picker's code. */
const CATALOGUE_MARK = "waving hand";
const PICKER_MARK = "Choose a reaction";
/** A disconnect reason only socket.io-client's code names. */
const SOCKET_MARK = "io server disconnect";

const react = (user: ChatUser, messageId: string, emoji: string) => user.socket.timeout(10_000).emitWithAck("reaction:add", { messageId, emoji });
const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const chip = (page: Page, text: string, emoji: string) => messageWith(page, text).getByTestId("reaction").filter({ hasText: emoji });

async function sent(user: ChatUser, conversationId: string, body: string): Promise<MessageView> {
  const res = await send(user, conversationId, body);
  if (!res.ok) throw new Error(res.error.message);
  return res.message;
}

/** Holds a finger on the element for `ms` (Chrome's touch events: pointerType "touch"). */
async function longPress(page: Page, selector: ReturnType<Page["locator"]>, ms = 700) {
  const box = (await selector.boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await page.waitForTimeout(ms);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

describe("reactions in the browser", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`show, toggle, pick and type reactions, live (${name})`, async () => {
      const phone = viewport === PHONE;
      const [me, ada, bob] = await Promise.all([chatUser({ displayName: "Maya Reacts" }), chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "בוב Babbage" })]);
      const group = await createGroup(me, "Launch party", [ada, bob]);
      const shipped = await sent(ada, group.id, "We shipped! Release notes are up.");
      const coffee = await sent(bob, group.id, "Coffee at three?");
      await react(ada, shipped.id, "🎉");
      await react(bob, shipped.id, ":tada:");
      await react(bob, shipped.id, ":+1:");

      const { page, context, scriptErrors } = await openSignedIn(browser(), me, viewport);
      // the chat page's first load, every script fetched afresh: bytes on the wire as Chromium counts
      // them (CDP encodedDataLength, what Lighthouse reports as transfer size; bench/web.ts)
      const scripts: Response[] = [];
      page.on("response", (r) => r.request().resourceType() === "script" && scripts.push(r));
      const cdp = await context.newCDPSession(page);
      const scriptUrls = new Map<string, string>();
      const wire = new Map<string, number>();
      cdp.on("Network.responseReceived", (e) => e.type === "Script" && scriptUrls.set(e.requestId, e.response.url));
      cdp.on("Network.loadingFinished", (e) => scriptUrls.has(e.requestId) && wire.set(scriptUrls.get(e.requestId)!, e.encodedDataLength));
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      const doc = await page.goto(`${baseUrl()}/c/${group.id}`);
      await chip(page, "We shipped", "🎉").waitFor();
      await page.waitForLoadState("networkidle");
      // the first load is what the page's HTML names; what loads later by import() is not in it
      // (a noModule polyfill is named too, and never fetched by a browser that runs modules)
      const tags = [...(await doc!.text()).matchAll(/<script[^>]*\ssrc="([^"]+)"[^>]*>/g)].filter((m) => !/\snomodule/i.test(m[0]));
      const named = new Set(tags.map((m) => new URL(m[1].replaceAll("&amp;", "&"), baseUrl()).href));
      const firstLoad = scripts.filter((r) => named.has(r.url()));
      const later = scripts.filter((r) => !named.has(r.url()));
      expect(firstLoad).toHaveLength(named.size);
      const firstLoadKb = firstLoad.reduce((a, r) => a + wire.get(r.url())!, 0) / 1024;
      console.log(`[reactions e2e] chat page first-load JS (${name}): ${firstLoadKb.toFixed(1)} KB transferred in ${firstLoad.length} scripts; ${later.length} more loaded after`);
      expect(firstLoadKb).toBeLessThanOrEqual(190);
      // neither the picker, nor the emoji catalogue, nor the socket's code is in it (a CLDR name, the
      // picker's label and a socket.io-client reason would be); the socket's code comes right after
      const firstLoadText = (await Promise.all(firstLoad.map((r) => r.text()))).join("\n");
      expect(firstLoadText).not.toContain(CATALOGUE_MARK);
      expect(firstLoadText).not.toContain(PICKER_MARK);
      expect(firstLoadText).not.toContain(SOCKET_MARK);
      // (a script of the page before, still arriving when this one opened, has no body left to read)
      await expect(Promise.all(later.map((r) => r.text().catch(() => ""))).then((t) => t.join("\n"))).resolves.toContain(SOCKET_MARK);
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });

      // chips: counts, and none of them mine yet
      await expect(chip(page, "We shipped", "🎉").textContent()).resolves.toBe("🎉2");
      await expect(chip(page, "We shipped", "👍").getAttribute("aria-pressed")).resolves.toBe("false");

      // who reacted: hover on a desktop, a long press on a phone (which does not toggle)
      const party = chip(page, "We shipped", "🎉");
      if (phone) await longPress(page, party);
      else await party.hover();
      const who = page.getByTestId("reactors");
      await expect(who.textContent()).resolves.toBe("Ada Lovelace and בוב Babbage reacted with 🎉");
      await expect(who.locator("bdi").count()).resolves.toBe(2);
      await expect(party.textContent()).resolves.toBe("🎉2");

      // a click (a tap) adds mine, highlighted, and everyone sees it
      await party.click();
      await expect(page.waitForFunction(() => document.querySelector("[data-testid=reaction][aria-pressed=true]")?.textContent === "🎉3")).resolves.toBeTruthy();
      await eventually(() => ada.received.some((m) => m.id === shipped.id && m.reactions.some((r) => r.emoji === "🎉" && r.userIds.includes(me.id))));
      // and theirs arrive live
      await react(ada, coffee.id, "☕");
      await chip(page, "Coffee at three", "☕").waitFor();

      // the picker, from the message's actions: its code loads only now
      const before = scripts.length;
      const message = messageWith(page, "Coffee at three");
      if (phone) await message.getByTestId("message-body").tap();
      else await message.hover();
      const add = message.locator("[data-testid=add-reaction][aria-label='Add reaction']").first();
      await add.click();
      const picker = page.getByTestId("emoji-picker");
      await picker.waitFor();
      await page.waitForLoadState("networkidle");
      const lazy = scripts.slice(before);
      expect(lazy.length).toBeGreaterThan(0);
      const lazyText = (await Promise.all(lazy.map((r) => r.text()))).join("\n");
      expect(lazyText).toContain(CATALOGUE_MARK);
      expect(lazyText).toContain(PICKER_MARK);
      console.log(`[reactions e2e] picker loaded on open: ${lazy.length} scripts`);
      await expect(page.getByLabel("Search emoji").evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      const box = (await picker.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect(seriousA11yViolations(page)).resolves.toEqual([]);
        await screenshot(page, `reactions-picker-${name}${scheme === "dark" ? "-dark" : ""}`);
      }
      await page.emulateMedia({ colorScheme: "light" });
      // Escape closes it and gives the focus back to its button
      await page.keyboard.press("Escape");
      await picker.waitFor({ state: "detached" });
      await expect(add.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      // again, with a search: Enter picks the first match
      await add.click();
      await page.getByLabel("Search emoji").fill("rocket");
      await page.keyboard.press("Enter");
      await chip(page, "Coffee at three", "🚀").waitFor();
      await expect(chip(page, "Coffee at three", "🚀").getAttribute("aria-pressed")).resolves.toBe("true");

      // :shortcode: in the composer: suggestions while typing, the emoji on Enter, and a closing colon
      await composerOf(page).click();
      await composerOf(page).pressSequentially("Congrats :tad");
      const suggestions = page.getByTestId("emoji-suggestions");
      await suggestions.waitFor();
      await expect(suggestions.getByRole("option").first().textContent()).resolves.toBe("🎉:tada:");
      await page.keyboard.press("Enter");
      await composerOf(page).pressSequentially(" :+1:");
      await expect(composerOf(page).inputValue()).resolves.toBe("Congrats 🎉 👍");
      await page.keyboard.press("Enter");
      await messageWith(page, "Congrats 🎉 👍").waitFor();

      await page.mouse.move(0, 0);
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect(seriousA11yViolations(page)).resolves.toEqual([]);
        await screenshot(page, `reactions-chips-${name}${scheme === "dark" ? "-dark" : ""}`);
      }
      expect(scriptErrors).toEqual([]);
      await context.close();
    });
  }
});
