/**
 * The chat page as the server sends it, in Chromium at desktop and phone width: the HTML already
 * holds the conversation's title, its messages and the sidebar's list (painted before any script
 * runs, which is what Lighthouse's LCP waits for), and hydration finds the same tree, with no
 * mismatch, also for a reader whose time zone is far from the server's. Times follow the
 * reader's zone: right after hydration on a first visit (the server cannot know it yet), and in
 * the HTML itself once the page has told the server (the `tz` cookie). The list opens at its place
 * (the newest message, or the first unread) by the server's inline script, before the app's scripts.
 */
import type { Browser, Page } from "playwright-core";
import { baseUrl } from "../support/api";
import { DESKTOP, hydrated, PHONE, screenshot, signInWithForm } from "../support/browser";
import { chatUser, composerOf, createGroup, send, useChatBrowser } from "../support/chat";

jest.setTimeout(120_000);

const browser = useChatBrowser();

/** UTC+14 most of the year: its clock and often its date differ from the server's (UTC in tests). */
const ZONE = "Pacific/Kiritimati";
/** The text React reports when the server's HTML and the first browser render differ. */
const HYDRATION = /hydrat|Minified React error #(418|423|425)/i;

const clock = (iso: string, timeZone: string) => new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(new Date(iso));

/** The visible text of an HTML document's body, scripts left out (what paints before hydration). */
function bodyText(html: string): string {
  return html
    .slice(html.indexOf("<body"))
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

async function openInZone(b: Browser, viewport: typeof DESKTOP, timezoneId = ZONE) {
  const context = await b.newContext({ viewport, timezoneId, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return { context, page, errors };
}

/** Each message time the page shows on hover ("14:05"), with the instant it stands for. */
function hoverTimes(page: Page): Promise<{ text: string; at: string }[]> {
  return page.locator("[data-testid=message] time[datetime]").evaluateAll((els) => els.map((el) => ({ text: el.textContent ?? "", at: el.getAttribute("datetime")! })));
}

describe("the chat page rendered on the server", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`holds the conversation in its HTML and hydrates it unchanged, times in the reader's zone (${name})`, async () => {
      const [me, ada] = await Promise.all([chatUser({ displayName: "Maya Server" }), chatUser({ displayName: "Ada Lovelace" })]);
      const group = await createGroup(me, "Rendered early", [ada]);
      // several in a row from one sender: all but the first show their clock time on hover
      for (const body of ["first of the morning", "second of the morning", "third of the morning"]) await send(ada, group.id, body);

      const { context, page, errors } = await openInZone(browser(), viewport);
      try {
        await signInWithForm(page, me.username, me.password);
        await page.waitForURL(`${baseUrl()}/`);

        // a first visit: the server has not been told the zone, and renders in UTC
        await context.clearCookies({ name: "tz" });
        // the app's scripts (not its styles) are held back until the server's nodes are marked
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const hold = (route: import("playwright-core").Route) => gate.then(() => route.continue());
        const scripts = /\/_next\/static\/chunks\/.*\.js(\?|$)/;
        await page.route(scripts, hold);
        const first = await page.goto(`${baseUrl()}/c/${group.id}`, { waitUntil: "domcontentloaded" });
        const html = await first!.text();
        const text = bodyText(html);
        expect(text).toContain("Rendered early");
        for (const body of ["first of the morning", "second of the morning", "third of the morning"]) expect(text).toContain(body);
        expect(html).not.toContain('aria-label="Loading messages"');
        const marked = await page.evaluate(() => {
          const nodes = [...document.querySelectorAll("[data-testid=message], [data-message-scroller]")];
          for (const el of nodes) (el as unknown as { fromServer: boolean }).fromServer = true;
          return nodes.length;
        });
        expect(marked).toBe(4);
        release();
        await hydrated(composerOf(page));
        await page.unroute(scripts, hold);
        // what the server drew is what hydration kept: the same nodes, not replaced by a skeleton and back
        await page.waitForLoadState("networkidle");
        await expect(
          page.evaluate(() => [...document.querySelectorAll("[data-testid=message], [data-message-scroller]")].map((el) => (el as unknown as { fromServer?: boolean }).fromServer === true)),
        ).resolves.toEqual([true, true, true, true]);
        const shown = await hoverTimes(page);
        expect(shown.length).toBeGreaterThanOrEqual(2);
        // once hydrated, the times are the reader's, not the server's
        await page.waitForFunction(
          (zone) => [...document.querySelectorAll("[data-testid=message] time[datetime]")].every((el) => el.textContent === new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone }).format(new Date(el.getAttribute("datetime")!))),
          ZONE,
          { timeout: 10_000 },
        );

        expect(errors.filter((e) => HYDRATION.test(e))).toEqual([]);

        // the page told the server its zone: the next HTML already shows the reader's times
        const cookie = (await context.cookies()).find((c) => c.name === "tz");
        expect(cookie && decodeURIComponent(cookie.value)).toBe(ZONE);
        const again = await page.goto(`${baseUrl()}/c/${group.id}`);
        const againHtml = await again!.text();
        for (const { at } of shown) expect(bodyText(againHtml)).toContain(clock(at, ZONE));
        await hydrated(composerOf(page));
        await expect(hoverTimes(page)).resolves.toEqual(shown.map(({ at }) => ({ at, text: clock(at, ZONE) })));

        // and neither load found a mismatch between the HTML and the first render
        expect(errors.filter((e) => HYDRATION.test(e))).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("opens at the newest message, or at the first unread, before any of the app's scripts has run (phone)", async () => {
    const [me, ada] = await Promise.all([chatUser({ displayName: "Maya Placed" }), chatUser({ displayName: "Ada Lovelace" })]);
    const group = await createGroup(me, "Placed early", [ada]);
    for (let i = 1; i <= 24; i++) await send(me, group.id, `mine ${i}: enough lines to fill a phone's screen twice over`);
    const { context, page, errors } = await openInZone(browser(), PHONE);
    try {
      await signInWithForm(page, me.username, me.password);
      await page.waitForURL(`${baseUrl()}/`);
      // the app's scripts never arrive: what shows is the server's HTML and its inline scripts
      await page.route("**/_next/static/chunks/**/*.js", (route) => route.abort());
      await page.route("**/_next/static/chunks/*.js", (route) => route.abort());
      const where = async () =>
        page.locator("[data-message-scroller]").evaluate((el) => ({ top: el.scrollTop, bottom: el.scrollHeight - el.clientHeight, hydrated: Object.keys(el).some((k) => k.startsWith("__react")) }));
      await page.goto(`${baseUrl()}/c/${group.id}`);
      const atOpen = await where();
      expect(atOpen.hydrated).toBe(false);
      expect(atOpen.bottom).toBeGreaterThan(200);
      expect(atOpen.top).toBeGreaterThanOrEqual(atOpen.bottom - 2);
      // in the list's view: its newest message, not its oldest
      const inView = async (text: string) => {
        const [box, el] = await Promise.all([page.locator("[data-message-scroller]").boundingBox(), page.locator("[data-message-scroller]").getByText(text).boundingBox()]);
        return el!.y + el!.height > box!.y && el!.y < box!.y + box!.height;
      };
      await expect(inView("mine 24:")).resolves.toBe(true);
      await expect(inView("mine 1:")).resolves.toBe(false);

      // with news from Ada: at the first unread, its divider in view and her first message below it
      for (let i = 1; i <= 20; i++) await send(ada, group.id, `hers ${i}: more than a screen of news, so that the newest would hide the divider`);
      await page.goto(`${baseUrl()}/c/${group.id}`);
      const divider = page.locator("[data-unread-divider]");
      await expect(divider.isVisible()).resolves.toBe(true);
      const [scroller, line] = await Promise.all([page.locator("[data-message-scroller]").boundingBox(), divider.boundingBox()]);
      expect(line!.y).toBeGreaterThanOrEqual(scroller!.y);
      expect(line!.y).toBeLessThan(scroller!.y + scroller!.height / 2);
      expect(errors.filter((e) => !/Failed to load resource|ChunkLoadError|Loading chunk/.test(e))).toEqual([]);

      // what a reader sees before the scripts, at both widths, light and dark
      for (const [viewport, width] of [
        [DESKTOP, "desktop"],
        [PHONE, "phone"],
      ] as const) {
        for (const colorScheme of ["light", "dark"] as const) {
          await page.setViewportSize(viewport);
          await page.emulateMedia({ colorScheme });
          await page.goto(`${baseUrl()}/c/${group.id}`);
          await screenshot(page, `server-render-before-scripts-${width}-${colorScheme}`);
        }
      }
    } finally {
      await context.close();
    }
  });

  it("hydrates without a mismatch where Chromium's tz database and Node's disagree on the reader's zone", async () => {
    // America/Vancouver from November 2026: UTC−7 by Chromium 156's rules, UTC−8 by Node 20's
    const zone = "America/Vancouver";
    const [me, ada] = await Promise.all([chatUser({ displayName: "Maya Pacific" }), chatUser({ displayName: "Ada Lovelace" })]);
    const group = await createGroup(me, "Two databases", [ada]);
    for (const body of ["one", "two", "three"]) await send(ada, group.id, body);
    const { context, page, errors } = await openInZone(browser(), DESKTOP, zone);
    try {
      await signInWithForm(page, me.username, me.password);
      await page.waitForURL(`${baseUrl()}/`);
      // the shell tells the server the zone once it is up
      for (let i = 0; i < 100 && !(await context.cookies()).some((c) => c.name === "tz"); i++) await page.waitForTimeout(100);
      expect((await context.cookies()).find((c) => c.name === "tz")?.value).toBe(encodeURIComponent(zone));
      const res = await page.goto(`${baseUrl()}/c/${group.id}`);
      const html = await res!.text();
      // the HTML has the server's Vancouver (its clock for each message), and hydration repeated it
      const times = [...html.matchAll(/<time[^>]*datetime="([^"]+)"[^>]*>(\d\d:\d\d)<\/time>/gi)];
      expect(times.length).toBeGreaterThan(0);
      for (const [, at, shown] of times) expect(shown).toBe(clock(at, zone));
      await hydrated(composerOf(page));
      await page.waitForLoadState("networkidle");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a zone cookie the server cannot use (unknown, ill-formed, oversized) renders in UTC, without an error", async () => {
    const [me, ada] = await Promise.all([chatUser({ displayName: "Maya Cookie" }), chatUser({ displayName: "Ada Lovelace" })]);
    const group = await createGroup(me, "Odd zone", [ada]);
    await send(ada, group.id, "one");
    await send(ada, group.id, "two");
    const { context, page } = await openInZone(browser(), DESKTOP);
    try {
      await signInWithForm(page, me.username, me.password);
      await page.waitForURL(`${baseUrl()}/`);
      // away from the app, whose shell would set the cookie to this browser's zone again
      await page.goto("about:blank");
      for (const value of ["Mars%2FOlympus_Mons", "%E0%A4%A", "..%2F..%2Fetc", "x".repeat(300), "Europe/Paris<script>"]) {
        await context.addCookies([{ name: "tz", value, url: baseUrl() }]);
        const res = await page.request.get(`${baseUrl()}/c/${group.id}`);
        expect(res.status()).toBe(200);
        const body = await res.text();
        expect(bodyText(body)).toContain("two");
        const times = [...body.matchAll(/<time[^>]*datetime="([^"]+)"[^>]*>(\d\d:\d\d)<\/time>/gi)];
        expect(times.length).toBeGreaterThan(0);
        for (const [, at, shown] of times) expect(shown).toBe(clock(at, "UTC"));
      }
    } finally {
      await context.close();
    }
  });
});
