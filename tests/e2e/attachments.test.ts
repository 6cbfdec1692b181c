/**
 * Files in messages (issue 14, item 2) in Chromium, desktop and phone, light and dark: an image
 * shows as its thumbnail in a box of its real proportions reserved before it loads (nothing moves
 * when it arrives), opening the full image in the viewer (arrows, Home/End, Escape); another file shows as a card (name, size) that
 * downloads; a file named x.html is a download of text, never a page of Parley's origin; a message
 * of files alone has no empty bubble.
 */
import { randomUUID } from "node:crypto";
import { baseUrl, request } from "../support/api";
import { DESKTOP, hydrated, openSignedIn, PHONE, seriousA11yViolations, shootLightAndDark } from "../support/browser";
import { chatUser, createGroup, sidebarRow, useChatBrowser, type ChatUser } from "../support/chat";
import { multipart, pngBomb, pngOf } from "../support/files";

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

describe("the image viewer", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`at ${name}: full size, arrows through the conversation's images, Escape back to the thumbnail`, async () => {
      const [me, ada] = await Promise.all([chatUser({ displayName: "Vic Viewer" }), chatUser({ displayName: "Ada Lovelace" })]);
      const group = await createGroup(ada, "Gallery", [me]);
      const wide = await upload(ada, "harbour.png", await pngOf(1600, 900), "image/png");
      const tall = await upload(ada, "lighthouse.png", await pngOf(600, 1000), "image/png");
      const third = await upload(ada, "pier.png", await pngOf(800, 800), "image/png");
      expect((await sendFiles(ada, group.id, "Two from the harbour", [wide.id, tall.id])).ok).toBe(true);
      expect((await sendFiles(ada, group.id, "And the pier", [third.id])).ok).toBe(true);

      const { page, scriptErrors } = await openSignedIn(browser(), me, viewport);
      await sidebarRow(page, "Gallery").click();
      await page.waitForURL(`${baseUrl()}/c/${group.id}`);
      const thumbs = page.getByTestId("attachment-image");
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=attachment-image]").length === 3);
      // the files' code loads apart from the page's (MessageItem): a click before it hydrates would follow the link
      await hydrated(thumbs.nth(1));
      await hydrated(thumbs.nth(2));

      // a click opens the viewer on that image, at full size (not the 480 px thumbnail)
      await thumbs.nth(1).click();
      const viewer = page.getByRole("dialog", { name: "lighthouse.png" });
      await viewer.waitFor();
      const full = page.getByTestId("image-viewer-image");
      await expect(full.getAttribute("src")).resolves.toBe(tall.url);
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>("[data-testid=image-viewer-image]");
        return !!img && img.complete && img.naturalWidth > 0;
      });
      await expect(full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).resolves.toEqual([600, 1000]);
      // fitted inside the window, its proportions kept
      const box = (await full.boundingBox())!;
      expect(box.height).toBeLessThanOrEqual(viewport.height);
      expect(box.width).toBeLessThanOrEqual(viewport.width);
      expect(Math.abs(box.width / box.height - 0.6)).toBeLessThan(0.02);
      await expect(page.getByTestId("image-viewer-count").textContent()).resolves.toBe("2 of 3");
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await shootLightAndDark(page, `image-viewer-${name}`);

      // arrows step through every image of the conversation, across messages, and stop at the ends
      await page.keyboard.press("ArrowRight");
      await expect(page.getByRole("dialog", { name: "pier.png" }).waitFor()).resolves.toBeUndefined();
      await expect(page.getByTestId("image-viewer-count").textContent()).resolves.toBe("3 of 3");
      await page.keyboard.press("ArrowRight");
      await expect(page.getByTestId("image-viewer-count").textContent()).resolves.toBe("3 of 3");
      await expect(page.getByRole("button", { name: "Next image" }).isDisabled()).resolves.toBe(true);
      await page.keyboard.press("Home");
      await expect(page.getByRole("dialog", { name: "harbour.png" }).waitFor()).resolves.toBeUndefined();
      await page.getByRole("button", { name: "Next image" }).click();
      await expect(page.getByTestId("image-viewer-count").textContent()).resolves.toBe("2 of 3");
      await page.keyboard.press("ArrowLeft");
      await expect(full.getAttribute("src")).resolves.toBe(wide.url);
      // a sideways swipe steps too (a finger's pointer events on the image)
      const swipe = async (fromX: number, toX: number) => {
        await full.dispatchEvent("pointerdown", { pointerType: "touch", isPrimary: true, clientX: fromX, clientY: 300, bubbles: true });
        await full.dispatchEvent("pointerup", { pointerType: "touch", isPrimary: true, clientX: toX, clientY: 310, bubbles: true });
      };
      await swipe(300, 120);
      await expect(page.getByTestId("image-viewer-count").textContent()).resolves.toBe("2 of 3");
      await swipe(120, 300);
      await expect(page.getByTestId("image-viewer-count").textContent()).resolves.toBe("1 of 3");
      // a download of the shown file
      await expect(page.getByRole("link", { name: "Download" }).getAttribute("download")).resolves.toBe("harbour.png");

      // Escape closes it and gives the focus back to the thumbnail that opened it
      await page.keyboard.press("Escape");
      await viewer.waitFor({ state: "detached" });
      await expect(page.getByTestId("image-viewer").count()).resolves.toBe(0);
      await expect(thumbs.nth(1).evaluate((a) => a === document.activeElement)).resolves.toBe(true);

      // from the keyboard: Enter on a focused thumbnail opens it too
      await thumbs.nth(2).focus();
      await page.keyboard.press("Enter");
      await page.getByRole("dialog", { name: "pier.png" }).waitFor();
      await page.getByRole("button", { name: "Close" }).click();
      await page.getByTestId("image-viewer").waitFor({ state: "detached" });
      expect(scriptErrors).toEqual([]);
    });
  }
});

describe("images of every shape, and a viewer that keeps up with the conversation", () => {
  it("at desktop: each box keeps its proportions beside others; a deleted neighbour is skipped; the shown one deleted closes it; a huge one is shown reduced", async () => {
    const [me, ada] = await Promise.all([chatUser({ displayName: "Sam Shapes" }), chatUser({ displayName: "Ada Lovelace" })]);
    const group = await createGroup(ada, "Shapes", [me]);
    const panorama = await upload(ada, "panorama.png", await pngOf(4000, 100), "image/png");
    const landscape = await upload(ada, "landscape.png", await pngOf(400, 300), "image/png");
    const tower = await upload(ada, "tower.png", await pngOf(100, 4000), "image/png");
    const huge = await upload(ada, "huge.png", await pngBomb(10_000, 5_000, { depth: 8, interlace: false }), "image/png");
    const first = await sendFiles(ada, group.id, "Wide and not", [panorama.id, landscape.id]);
    const second = await sendFiles(ada, group.id, "Tall", [tower.id]);
    const third = await sendFiles(ada, group.id, "Huge", [huge.id]);
    expect([first.ok, second.ok, third.ok]).toEqual([true, true, true]);

    const { page, scriptErrors } = await openSignedIn(browser(), me, DESKTOP);
    await sidebarRow(page, "Shapes").click();
    await page.waitForURL(`${baseUrl()}/c/${group.id}`);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=attachment-image]").length === 4);
    const thumbs = page.getByTestId("attachment-image");
    const box = async (i: number) => {
      const b = (await thumbs.nth(i).boundingBox())!;
      return [Math.round(b.width), Math.round(b.height)];
    };
    // side by side, each its own height: not stretched to the tallest, nothing under 48 px a side
    expect(await box(0)).toEqual([360, 48]);
    expect(await box(1)).toEqual([360, 270]);
    expect(await box(2)).toEqual([48, 320]);
    await hydrated(thumbs.nth(3));

    // a huge image is shown as its thumbnail, saying so, not loaded whole into the page
    await thumbs.nth(3).click();
    await page.getByRole("dialog", { name: "huge.png" }).waitFor();
    await expect(page.getByTestId("image-viewer-image").getAttribute("src")).resolves.toBe(huge.thumbnailUrl);
    await expect(page.getByTestId("image-viewer-reduced").textContent()).resolves.toContain("50 megapixels");
    await page.keyboard.press("Escape");
    await page.getByTestId("image-viewer").waitFor({ state: "detached" });

    // open on the first; the second message (the tower) is deleted meanwhile: stepping skips it
    await thumbs.nth(0).click();
    await page.getByRole("dialog", { name: "panorama.png" }).waitFor();
    expect((await ada.socket.timeout(5000).emitWithAck("message:delete", { messageId: second.message.id })).ok).toBe(true);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=attachment-image]").length === 3);
    await page.keyboard.press("ArrowRight");
    await page.getByRole("dialog", { name: "landscape.png" }).waitFor();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("dialog", { name: "huge.png" }).waitFor();
    await expect(page.getByTestId("image-viewer-count").textContent()).resolves.toBe("3 of 3");

    // the shown image's own message deleted: the viewer closes, the focus in the conversation's messages
    expect((await ada.socket.timeout(5000).emitWithAck("message:delete", { messageId: third.message.id })).ok).toBe(true);
    await page.getByTestId("image-viewer").waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.closest("[data-testid=message-list]") !== null);
    expect(scriptErrors).toEqual([]);
  });
});

/** Puts `files` (name, type, text) into a DataTransfer in the page, for a paste or a drop. */
async function dataTransferOf(page: import("playwright-core").Page, files: { name: string; type: string; bytes: number[] }[]) {
  return page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    return dt;
  }, files);
}

/** Waits until the composer shows `n` file chips (their list's code loads with the first file). */
const chipCount = (page: import("playwright-core").Page, n: number) => page.waitForFunction((n) => document.querySelectorAll("[data-testid=composer-file]").length === n, n);

describe("attaching files in the composer", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`at ${name}: the button, a paste, a drop; progress, cancel, the limit; a message of files alone`, async () => {
      const [me, ada] = await Promise.all([chatUser({ displayName: "Uma Uploader" }), chatUser({ displayName: "Ada Lovelace" })]);
      const group = await createGroup(ada, "Upload desk", [me]);
      const { page, scriptErrors } = await openSignedIn(browser(), me, viewport);
      await sidebarRow(page, "Upload desk").click();
      await page.waitForURL(`${baseUrl()}/c/${group.id}`);
      const chips = page.getByTestId("composer-file");
      const png = [...(await pngOf(320, 200))];

      // the button (its hidden input), two files
      await page.getByTestId("composer-file-input").setInputFiles([
        { name: "plan.png", mimeType: "image/png", buffer: Buffer.from(png) },
        { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("meeting notes") },
      ]);
      await chipCount(page, 2);
      await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=composer-file]")].every((c) => c.getAttribute("data-status") === "ready"));
      // a paste of an image (a screenshot)
      const pasted = await dataTransferOf(page, [{ name: "screenshot.png", type: "image/png", bytes: png }]);
      await page.getByLabel("Message", { exact: true }).evaluate((el, dt) => el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true })), pasted);
      // a drop on the conversation
      const dropped = await dataTransferOf(page, [{ name: "dropped.txt", type: "text/plain", bytes: [...Buffer.from("dropped text")] }]);
      await page.getByTestId("message-list").dispatchEvent("dragover", { dataTransfer: dropped });
      await page.getByTestId("message-list").dispatchEvent("drop", { dataTransfer: dropped });
      await chipCount(page, 4);
      await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=composer-file]")].every((c) => c.getAttribute("data-status") === "ready"));

      // an upload held on its way shows its progress and can be cancelled: nothing is kept. The held
      // request is dropped when let go, as the page dropped it, and the route is taken away only once
      // it has been: a route still pending when unrouted is continued by Playwright, which delivered
      // the whole body the page had cancelled, and the server stored it (about one run in three)
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      let letGo: Promise<void> = Promise.resolve();
      await page.route("**/api/attachments", (route) => {
        letGo = held.then(() => route.abort().catch(() => {}));
        return letGo;
      });
      await page.getByTestId("composer-file-input").setInputFiles([{ name: "slow.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(1000, 1) }]);
      const slow = chips.filter({ hasText: "slow.bin" });
      await expect(slow.getAttribute("data-status")).resolves.toBe("uploading");
      await expect(page.getByRole("button", { name: "Send" }).isDisabled()).resolves.toBe(true);
      await shootLightAndDark(page, `composer-files-${name}`);
      await slow.getByRole("button", { name: "Cancel slow.bin" }).click();
      release();
      await letGo;
      await page.unroute("**/api/attachments");
      await chipCount(page, 4);
      // the limit: 10 files on a message
      await page.getByTestId("composer-file-input").setInputFiles(Array.from({ length: 7 }, (_, i) => ({ name: `extra-${i}.txt`, mimeType: "text/plain", buffer: Buffer.from(`x${i}`) })));
      await page.getByText("At most 10 files on one message.").waitFor();
      await chipCount(page, 10);
      // (removed once uploaded: a cancel that comes after the server stored a file leaves it to the daily sweep)
      await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=composer-file]")].every((c) => c.getAttribute("data-status") === "ready"));
      for (let i = 0; i < 6; i++) await chips.filter({ hasText: `extra-${i}.txt` }).getByRole("button").click();
      await chipCount(page, 4);
      await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=composer-file]")].every((c) => c.getAttribute("data-status") === "ready"));

      // sent with no text: Ada gets one message with the four files, in order
      await page.getByRole("button", { name: "Send" }).click();
      await chipCount(page, 0);
      const got = async () => ada.received.find((m) => m.conversationId === group.id && m.attachments.length > 0);
      for (let i = 0; i < 50 && !(await got()); i++) await page.waitForTimeout(100);
      const message = (await got())!;
      expect(message.body).toBe("");
      expect(message.attachments.map((a) => a.name)).toEqual(["plan.png", "notes.txt", "screenshot.png", "dropped.txt"]);
      expect(message.attachments.map((a) => a.contentType)).toEqual(["image/png", "text/plain; charset=utf-8", "image/png", "text/plain; charset=utf-8"]);
      // and my page shows it
      await page.getByTestId("message").filter({ has: page.getByTestId("attachments") }).getByTestId("attachment-image").first().waitFor();
      // nothing was kept of the cancelled or removed uploads
      const mine = await (await request("/api/me/export", { cookie: me.cookie })).json();
      expect(mine.attachments.map((a: { name: string }) => a.name).sort()).toEqual(["dropped.txt", "notes.txt", "plan.png", "screenshot.png"]);
      expect(scriptErrors).toEqual([]);
    });
  }
});
