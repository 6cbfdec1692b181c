/**
 * Files in messages (issue 14, item 2) in Chromium, desktop and phone, light and dark: an image
 * shows as its thumbnail in a box of its real proportions reserved before it loads (nothing moves
 * when it arrives), opening the full image; another file shows as a card (name, size) that
 * downloads; a file named x.html is a download of text, never a page of Parley's origin; a message
 * of files alone has no empty bubble.
 */
import { randomUUID } from "node:crypto";
import { baseUrl, request } from "../support/api";
import { DESKTOP, openSignedIn, PHONE, seriousA11yViolations, shootLightAndDark } from "../support/browser";
import { chatUser, createGroup, sidebarRow, useChatBrowser, type ChatUser } from "../support/chat";
import { multipart, pngOf } from "../support/files";

jest.setTimeout(300_000);

const browser = useChatBrowser();

async function upload(user: ChatUser, filename: string, data: Buffer | string, type = "application/octet-stream") {
  const { body, contentType } = multipart([{ field: "file", filename, type, data }]);
  const res = await request("/api/attachments", { method: "POST", cookie: user.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
  expect(res.status).toBe(201);
  return (await res.json()).attachment as { id: string; url: string; thumbnailUrl: string | null };
}
const sendFiles = (user: ChatUser, conversationId: string, body: string, attachmentIds: string[]) =>
  user.socket.timeout(10_000).emitWithAck("message:send", { conversationId, clientId: randomUUID(), body, attachmentIds });

describe("files in messages", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`at ${name}`, async () => {
      const [me, ada] = await Promise.all([chatUser({ displayName: "Fay Files" }), chatUser({ displayName: "Ada Lovelace" })]);
      const group = await createGroup(ada, "Site photos", [me]);
      const photo = await upload(ada, "mill-wheel.png", await pngOf(1600, 900), "image/png");
      const doc = await upload(ada, "specification.pdf", Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"));
      const page1 = await upload(ada, "x.html", "<!doctype html><script>document.title='owned'</script>");
      expect((await sendFiles(ada, group.id, "The wheel, and the spec", [photo.id, doc.id])).ok).toBe(true);
      expect((await sendFiles(ada, group.id, "", [page1.id])).ok).toBe(true);

      const { page, context, scriptErrors } = await openSignedIn(browser(), me, viewport);
      // thumbnails are held back until the layout is measured: the box must already be there
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      await page.route("**/thumbnail", async (route) => {
        await held;
        await route.continue();
      });
      await sidebarRow(page, "Site photos").click();
      await page.waitForURL(`${baseUrl()}/c/${group.id}`);
      const image = page.getByTestId("attachment-image").locator("img");
      await image.waitFor();
      const before = await image.boundingBox();
      const ratio = before!.width / before!.height;
      expect(Math.abs(ratio - 16 / 9)).toBeLessThan(0.02);
      const cardBefore = await page.getByTestId("attachment-file").first().boundingBox();
      release();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>("[data-testid=attachment-image] img");
        return !!img && img.complete && img.naturalWidth > 0;
      });
      expect(await image.boundingBox()).toEqual(before);
      expect(await page.getByTestId("attachment-file").first().boundingBox()).toEqual(cardBefore);
      await expect(image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).resolves.toEqual([480, 270]);
      await expect(page.getByTestId("attachment-image").getAttribute("href")).resolves.toBe(photo.url);

      // cards: name, size, a download
      const cards = page.getByTestId("attachment-file");
      await expect(cards.allTextContents()).resolves.toEqual([expect.stringContaining("specification.pdf"), expect.stringContaining("x.html")]);
      await expect(cards.first().getAttribute("download")).resolves.toBe("specification.pdf");
      // the list names a message of files alone by its file
      await expect(sidebarRow(page, "Site photos").textContent()).resolves.toContain("Ada: x.html");
      // the message of a file alone has no empty bubble
      const alone = page.getByTestId("message").filter({ has: page.getByText("x.html") });
      await expect(alone.getByTestId("message-body").count()).resolves.toBe(0);
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await shootLightAndDark(page, `attachments-${name}`);

      // x.html, opened on its own in a tab of Parley's origin, is text to download: no script runs
      const tab = await context.newPage();
      const download = tab.waitForEvent("download").catch(() => null);
      await tab.goto(`${baseUrl()}${page1.url}`).catch(() => {}); // a download aborts the navigation
      expect(await download).not.toBeNull();
      expect(await tab.title()).not.toBe("owned");
      await tab.close();

      expect(scriptErrors).toEqual([]);
    });
  }
});
