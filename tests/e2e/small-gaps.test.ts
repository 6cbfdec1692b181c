/**
 * The smaller gaps of issue 13, item 12, in Chromium at desktop and phone size, light and dark:
 * Enter in an empty composer does nothing and a composer refusal moves nothing; a group name over
 * the limit is kept with a counter (and a username too, at sign-up); the "Reconnecting…" banner
 * covers no part of the conversation header; while offline nobody shows as online; a send refused
 * by the rate limit says so and is sent by Retry. Screenshots of each piece.
 */
import type { Locator, Page } from "playwright-core";
import { baseUrl } from "../support/api";
import { DESKTOP, hydrated, openPage, PHONE, screenshot, seriousA11yViolations, signInWithForm } from "../support/browser";
import { chatUser, composerOf, createDirect, createGroup, eventually, send, useChatBrowser } from "../support/chat";

jest.setTimeout(300_000);

const browser = useChatBrowser();

/** 64 characters, the longest title the rules accept: it runs under where a centred tab would hang. */
const LONG_TITLE = "Quarterly planning for the northern logistics and warehouse crew";
const composer = composerOf;
const composerForm = (page: Page) => page.getByRole("form", { name: "Send a message" });
const banner = (page: Page) => page.getByRole("status").filter({ hasText: "Reconnecting…" });

type Box = { x: number; y: number; width: number; height: number };
async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error("not visible");
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** Where the conversation's parts are: a layout shift changes one of them. */
async function layout(page: Page) {
  return { header: await box(page.getByTestId("conversation-title")), list: await box(page.getByTestId("message-list")), composer: await box(composerForm(page)) };
}

describe("the smaller gaps (issue 13, item 12)", () => {
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    for (const scheme of ["light", "dark"] as const) {
      it(`at ${size}, ${scheme}`, async () => {
        expect(LONG_TITLE.length).toBe(64);
        const [ada, bob] = await Promise.all([chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "Bob Babbage" })]);
        const group = await createGroup(ada, LONG_TITLE, [bob]);
        const dm = await createDirect(ada, bob);
        expect((await send(bob, group.id, "Morning! Is the plan for Thursday still on?")).ok).toBe(true);
        expect((await send(bob, dm.id, "See you there")).ok).toBe(true);
        const found: Record<string, unknown> = {};

        const { context, page, scriptErrors } = await openPage(browser(), viewport, scheme);
        await signInWithForm(page, ada.username, ada.password);
        await page.waitForURL(`${baseUrl()}/`);

        // a group name over the limit: kept whole, counted, marked
        await page.getByRole("button", { name: "New group" }).click();
        const title = page.getByLabel("Group name");
        await title.fill(`${LONG_TITLE} and friends`);
        found.titleKept = (await title.inputValue()).length;
        found.titleCounter = await page.getByTestId("char-count").textContent();
        found.titleInvalid = await title.getAttribute("aria-invalid");
        await screenshot(page, `gaps-group-title-over-${size}-${scheme}`);
        await page.keyboard.press("Escape");

        await page.goto(`${baseUrl()}/c/${group.id}`);
        await composer(page).waitFor();
        await page.getByTestId("message-body").filter({ hasText: "Thursday" }).waitFor();
        await expect(page.getByTestId("conversation-status").textContent()).resolves.toBe("2 members, 1 online");

        // Enter on nothing: no error, nothing moves
        const before = await layout(page);
        await composer(page).focus();
        await page.keyboard.press("Enter");
        await composer(page).fill("   ");
        await page.keyboard.press("Enter");
        await page.waitForTimeout(300);
        found.emptySendAlerts = await composerForm(page).getByRole("alert").count();
        found.emptySendMoved = JSON.stringify(await layout(page)) !== JSON.stringify(before);

        // a refusal floats: nothing moves either (the counter has already taken its line)
        await composer(page).fill("x".repeat(4005));
        const over = await layout(page);
        await page.keyboard.press("Enter");
        await composerForm(page).getByRole("alert").filter({ hasText: "at most 4000" }).waitFor();
        found.refusalMoved = JSON.stringify(await layout(page)) !== JSON.stringify(over);
        await screenshot(page, `gaps-composer-refusal-${size}-${scheme}`);
        await composer(page).fill("");

        // offline: the banner takes its own room at the top, nobody shows as online
        await context.setOffline(true);
        await banner(page).waitFor({ timeout: 15_000 });
        await page.waitForTimeout(400); // the slide-in
        const strip = await box(banner(page));
        const header = [page.getByTestId("conversation-title"), page.getByRole("button", { name: "Group settings" }), page.getByTestId("conversation-status")];
        if (size === "phone") header.push(page.getByRole("link", { name: "Back to conversations" }));
        found.bannerCovers = [];
        for (const part of header) if (overlap(strip, await box(part))) (found.bannerCovers as string[]).push((await part.textContent()) ?? "");
        found.composerOnScreen = (await box(composerForm(page))).y + (await box(composerForm(page))).height <= viewport.height;
        found.offlineStatus = await page.getByTestId("conversation-status").textContent();
        found.onlineDotsOffline = await page.locator("[data-presence=online]").count();
        found.offlineA11y = await seriousA11yViolations(page);
        await screenshot(page, `gaps-reconnecting-${size}-${scheme}`);

        await context.setOffline(false);
        await banner(page).waitFor({ state: "detached", timeout: 20_000 });
        await eventually(async () => (await page.getByTestId("conversation-status").textContent()) === "2 members, 1 online", 10_000);

        // the send limit (30 in 10 s), used up from Ada's other connection: the page says so
        const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => send(ada, dm.id, `burst ${i}`)));
        expect(burst.every((a) => a.ok)).toBe(true);
        await composer(page).fill("Yes, Thursday at ten");
        await page.keyboard.press("Enter");
        const failed = page.locator("[data-testid=message][data-status=failed]");
        await failed.waitFor({ timeout: 5_000 });
        found.rateLimited = await failed.getByRole("alert").textContent();
        await screenshot(page, `gaps-rate-limited-${size}-${scheme}`);
        await page.waitForTimeout(10_500);
        await failed.getByRole("button", { name: "Retry" }).click();
        await page.locator("[data-testid=message][data-status]").waitFor({ state: "detached", timeout: 10_000 });
        await page.getByTestId("message-body").filter({ hasText: "Yes, Thursday at ten" }).waitFor();

        expect(found).toEqual({
          titleKept: 76,
          titleCounter: "76 / 64 characters: 12 over the limit",
          titleInvalid: "true",
          emptySendAlerts: 0,
          emptySendMoved: false,
          refusalMoved: false,
          bannerCovers: [],
          composerOnScreen: true,
          offlineStatus: "2 members",
          onlineDotsOffline: 0,
          offlineA11y: [],
          rateLimited: expect.stringMatching(/^Not sent: You are sending too fast\. Try again in \d+ s\.Retry/),
        });
        expect(scriptErrors).toEqual([]);
        await context.close();
      });
    }
  }

  it("keeps a username longer than the limit at sign-up, with a counter", async () => {
    for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      for (const scheme of ["light", "dark"] as const) {
        const { context, page } = await openPage(browser(), viewport, scheme);
        await page.goto(`${baseUrl()}/register`);
        const username = page.getByLabel("Username", { exact: true });
        await hydrated(username);
        await username.fill("a".repeat(40));
        await expect(username.inputValue()).resolves.toBe("a".repeat(40));
        await expect(page.locator("#field-username-count").textContent()).resolves.toBe("40 / 32 characters: 8 over the limit");
        await expect(username.getAttribute("aria-invalid")).resolves.toBe("true");
        await screenshot(page, `gaps-username-over-${size}-${scheme}`);
        await context.close();
      }
    }
  });
});
