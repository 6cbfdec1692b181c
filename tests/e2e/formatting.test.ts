/**
 * Message formatting in Chromium (issue 13, item 7), at desktop and phone size, light and dark: a
 * message sent over the real app shows bold, italic, strike, inline code, a code block (monospace,
 * scrolling sideways inside its bubble, with a Copy button that the keyboard reaches and that puts
 * the code on the clipboard and says "Copied"), a quote, a list and links (a `www.` address too),
 * while HTML and a `javascript:` URL stay text. One's own formatted message typed in the composer
 * renders the same; the sidebar shows it as plain text. Screenshots of each.
 */
import type { Page } from "playwright-core";
import { baseUrl } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, screenshot, seriousA11yViolations } from "../support/browser";
import { chatUser, composerOf, createDirect, send, sidebarRow, useChatBrowser, type ChatUser } from "../support/chat";

jest.setTimeout(180_000);

const browser = useChatBrowser();

const CODE = "npm run build && node --import tsx server.ts --port 3000 --hostname 127.0.0.1  # one long line that has to scroll sideways";
const FROM_BOB = [
  "Release notes: **bold move**, _quietly_, ~~dropped~~ and `npm ci` first.",
  "```sh",
  CODE,
  "```",
  "> The engine weaves algebraic patterns",
  "- docs at www.example.com/parley",
  "- and https://example.org/a_(b)_c.",
  "<b>not bold</b> javascript:alert(1)",
].join("\n");

async function sent(user: ChatUser, conversationId: string, body: string): Promise<string> {
  const ack = await send(user, conversationId, body);
  if (!ack.ok) throw new Error(`send failed: ${ack.error.message}`);
  return ack.message.id;
}

const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });

describe("formatted messages in the browser", () => {
  for (const [viewport, size] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`render bold, code blocks with Copy, quotes, lists and links (${size})`, async () => {
      const [ada, bob] = await Promise.all([chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "Bob Babbage" })]);
      const dm = await createDirect(bob, ada);
      const typo = await sent(bob, dm.id, "a typo");
      const edited = await bob.socket.timeout(10_000).emitWithAck("message:edit", { messageId: typo, body: "fixed the *typo*" });
      expect(edited.ok).toBe(true);
      await sent(bob, dm.id, FROM_BOB);

      const { page, context, scriptErrors } = await openSignedIn(browser(), ada, viewport);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
      await sidebarRow(page, "Bob Babbage").click();
      await page.waitForURL(`${baseUrl()}/c/${dm.id}`);
      const bobs = messageWith(page, "Release notes");
      await bobs.waitFor();

      // inline formatting, as elements; HTML and javascript: stay text
      await expect(bobs.locator("strong").textContent()).resolves.toBe("bold move");
      await expect(bobs.locator("em").textContent()).resolves.toBe("quietly");
      await expect(bobs.locator("s").textContent()).resolves.toBe("dropped");
      await expect(bobs.locator("p code").textContent()).resolves.toBe("npm ci");
      await expect(bobs.locator("b, script, img").count()).resolves.toBe(0);
      await expect(bobs.getByText("<b>not bold</b> javascript:alert(1)").count()).resolves.toBe(1);
      await expect(bobs.locator("blockquote").textContent()).resolves.toBe("The engine weaves algebraic patterns");
      await expect(bobs.locator("ul > li").allTextContents()).resolves.toEqual(["docs at www.example.com/parley", "and https://example.org/a_(b)_c."]);
      const links = await bobs.locator("a").evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href"), a.getAttribute("target"), a.getAttribute("rel")]));
      expect(links).toEqual([
        ["www.example.com/parley", "http://www.example.com/parley", "_blank", "noopener noreferrer"],
        ["https://example.org/a_(b)_c", "https://example.org/a_(b)_c", "_blank", "noopener noreferrer"],
      ]);
      await expect(messageWith(page, "fixed the").locator("em").textContent()).resolves.toBe("typo");

      // the code block: as typed, monospace, scrolling inside its bubble
      const pre = bobs.locator("pre");
      await expect(pre.textContent()).resolves.toBe(CODE);
      const look = await pre.evaluate((el) => {
        const bubble = el.closest("[data-testid=message] > div")!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return { mono: getComputedStyle(el).fontFamily.includes("monospace"), scrolls: el.scrollWidth > el.clientWidth, inside: box.left >= bubble.left && box.right <= bubble.right + 0.5 };
      });
      expect(look).toEqual({ mono: true, scrolls: true, inside: true });

      // Copy, reached by the keyboard from the code (Shift+Tab), puts the code on the clipboard
      await pre.focus();
      await page.keyboard.press("Shift+Tab");
      const copy = bobs.getByRole("button", { name: "Copy code" });
      await expect(copy.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
      await page.keyboard.press("Enter");
      await expect(bobs.getByRole("button", { name: "Copied code" }).waitFor()).resolves.toBeUndefined();
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(CODE);
      await expect(bobs.getByRole("status").textContent()).resolves.toBe("Code copied to the clipboard");

      // one's own message, typed with Shift+Enter, formats the same inside the accent bubble
      const composer = composerOf(page);
      await composer.click();
      for (const [i, line] of ["On it: **merging** now", "```", "git merge --ff-only release", "```"].entries()) {
        if (i > 0) await page.keyboard.press("Shift+Enter");
        await page.keyboard.type(line);
      }
      await page.keyboard.press("Enter");
      const mine = page.locator("[data-testid=message][data-own]").filter({ hasText: "On it" });
      await mine.locator("strong").filter({ hasText: "merging" }).waitFor();
      await expect(mine.locator("pre").textContent()).resolves.toBe("git merge --ff-only release");

      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect(seriousA11yViolations(page)).resolves.toEqual([]);
        await screenshot(page, `formatting-${size}-${scheme}`);
      }
      await page.emulateMedia({ colorScheme: "light" });

      // the sidebar's preview is the text without its markers
      if (viewport === PHONE) {
        await page.getByRole("link", { name: "Back to conversations" }).click();
        await page.waitForURL(`${baseUrl()}/`);
      }
      await sidebarRow(page, "Bob Babbage").waitFor({ state: "visible" });
      const preview = sidebarRow(page, "Bob Babbage").getByTestId("conversation-preview");
      await expect(preview.textContent()).resolves.toBe("You: On it: merging now git merge --ff-only release");
      if (viewport === PHONE) await screenshot(page, `formatting-${size}-sidebar`);

      expect(scriptErrors).toEqual([]);
      await context.close();
    });
  }
});
