/**
 * Avatars in Chromium (issue 14, items 4 and 11), desktop and phone, light and dark: a picture is
 * chosen in settings, moved (a drag, arrow keys) and zoomed (the slider, "+") in the crop dialog,
 * saved, and shows in settings, in one's own summary and — without a reload — in a conversation open
 * in another member's browser; what is stored is the square the frame showed (the server's own
 * centre crop would hold both colours); removing it brings the initials back everywhere, live.
 */
import sharp from "sharp";
import type { Page } from "playwright-core";
import { baseUrl, request } from "../support/api";
import { DESKTOP, hydrated, openSignedIn, PHONE, seriousA11yViolations, shootLightAndDark } from "../support/browser";
import { chatUser, createDirect, createGroup, send, sidebarRow, useChatBrowser, type ChatUser } from "../support/chat";
import { multipart } from "../support/files";

jest.setTimeout(300_000);

const browser = useChatBrowser();

/** A 600×400 PNG: the left third red, the rest blue (so where the crop went shows in the result). */
async function twoColours(): Promise<Buffer> {
  const red = await sharp({ create: { width: 200, height: 400, channels: 3, background: "#d0302a" } }).png().toBuffer();
  return sharp({ create: { width: 600, height: 400, channels: 3, background: "#2a55d0" } })
    .composite([{ input: red, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

/** A picture set over the API (for the other members, so the conversation shows pictures and initials side by side). */
async function pictureFor(user: ChatUser, colour: string) {
  const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: colour } })
    .composite([{ input: await sharp({ create: { width: 150, height: 150, channels: 3, background: "#ffffff" } }).png().toBuffer(), left: 75, top: 75 }])
    .png()
    .toBuffer();
  const { body, contentType } = multipart([{ field: "file", filename: "me.png", type: "image/png", data: png }]);
  const res = await request("/api/me/avatar", { method: "PUT", cookie: user.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
  expect(res.status).toBe(200);
}

/** The pictures of `userId` the page shows, loaded (naturalWidth > 0), as their count. */
const shownPictures = (page: Page, userId: string) =>
  page.evaluate((id) => [...document.querySelectorAll<HTMLImageElement>(`img[src^="/api/avatars/${id}?v="]`)].filter((i) => i.complete && i.naturalWidth > 0).length, userId);
const waitForPictures = (page: Page, userId: string, atLeast = 1) =>
  page.waitForFunction(([id, n]) => [...document.querySelectorAll<HTMLImageElement>(`img[src^="/api/avatars/${id}?v="]`)].filter((i) => i.complete && i.naturalWidth > 0).length >= n, [userId, atLeast] as const);
const noPictures = (page: Page, userId: string) => page.waitForFunction((id) => document.querySelectorAll(`img[src^="/api/avatars/${id}"]`).length === 0, userId);

describe("avatars", () => {
  for (const [viewport, name] of [
    [DESKTOP, "desktop"],
    [PHONE, "phone"],
  ] as const) {
    it(`at ${name}: choose, move, zoom, save, seen live by another member, removed`, async () => {
      const [me, ada, bo] = await Promise.all([chatUser({ displayName: "Pia Portrait" }), chatUser({ displayName: "Ada Lovelace" }), chatUser({ displayName: "Bo Initials Only" })]);
      await pictureFor(ada, "#0e7490");
      const group = await createGroup(ada, "Portrait club", [me, bo]);
      // a direct conversation too: its row in Ada's sidebar is my picture
      const direct = await createDirect(me, ada);
      expect((await send(me, direct.id, "Hello Ada, see you at the club")).ok).toBe(true);
      for (const [who, body] of [
        [ada, "Welcome! Put up a picture so we know who is who."],
        [bo, "I like my initials, thank you."],
        [me, "Mine is coming right up."],
      ] as const) {
        expect((await send(who, group.id, body)).ok).toBe(true);
      }

      // Ada has the conversation open in her browser
      const theirs = await openSignedIn(browser(), ada, viewport);
      await sidebarRow(theirs.page, "Portrait club").click();
      await theirs.page.waitForURL(`${baseUrl()}/c/${group.id}`);
      await theirs.page.getByTestId("message-list").getByText("Mine is coming right up.").waitFor();
      await waitForPictures(theirs.page, ada.id);
      expect(await shownPictures(theirs.page, me.id)).toBe(0);

      // I choose a picture in settings
      const mine = await openSignedIn(browser(), me, viewport);
      const { page } = mine;
      await page.goto(`${baseUrl()}/settings`);
      const change = page.getByRole("button", { name: "Change picture" });
      await hydrated(change);
      await expect(page.getByRole("button", { name: "Remove picture" }).count()).resolves.toBe(0);
      await page.getByTestId("avatar-file-input").setInputFiles({ name: "holiday.png", mimeType: "image/png", buffer: await twoColours() });
      const dialog = page.getByRole("dialog", { name: "Crop your picture" });
      await dialog.waitFor();
      const frame = dialog.getByRole("group", { name: "Picture position" });
      const image = frame.locator("img");
      await page.waitForFunction(() => !!document.querySelector<HTMLImageElement>("[data-testid=avatar-crop-frame] img")?.style.transform);
      const transform = () => image.evaluate((img: HTMLImageElement) => img.style.transform);
      const centred = await transform();
      await shootLightAndDark(page, `avatar-crop-${name}`);

      // zoom: the slider, then "+" with the frame focused
      await dialog.getByLabel("Zoom").fill("1.5");
      await frame.focus();
      for (let i = 0; i < 5; i++) await page.keyboard.press("+");
      await expect(dialog.getByLabel("Zoom").inputValue()).resolves.toBe("2");
      // move: arrows, then a drag far to the right (the picture stops at its left edge)
      await page.keyboard.press("ArrowRight");
      expect(await transform()).not.toBe(centred);
      const box = (await frame.boundingBox())!;
      await page.mouse.move(box.x + 40, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 10, box.y + box.height / 2, { steps: 8 });
      await page.mouse.move(box.x + box.width + 200, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
      // the frame shows the left edge: the image's left side at the frame's left
      await expect(image.evaluate((img) => Math.round(img.getBoundingClientRect().left - img.parentElement!.getBoundingClientRect().left))).resolves.toBe(0);
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);

      // Escape closes without saving; choosing again and saving sets it
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      expect((await (await request("/api/me", { cookie: me.cookie })).json()).user.avatar).toBeNull();
      await page.getByTestId("avatar-file-input").setInputFiles({ name: "holiday.png", mimeType: "image/png", buffer: await twoColours() });
      await dialog.waitFor();
      await page.waitForFunction(() => !!document.querySelector<HTMLImageElement>("[data-testid=avatar-crop-frame] img")?.style.transform);
      await dialog.getByLabel("Zoom").fill("2");
      await frame.focus();
      for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowRight");
      await dialog.getByRole("button", { name: "Save picture" }).click();
      await dialog.waitFor({ state: "detached" });
      await page.getByRole("status").filter({ hasText: "Picture saved" }).waitFor();
      await waitForPictures(page, me.id, name === "desktop" ? 2 : 1); // settings, and the shell's own summary (desktop: in view)
      await expect(page.getByRole("button", { name: "Remove picture" }).count()).resolves.toBe(1);

      // what is stored: 256×256 WebP of the left third, red — the framed square, not the centre
      const { user } = await (await request("/api/me", { cookie: me.cookie })).json();
      expect(user.avatar).toMatch(new RegExp(`^/api/avatars/${me.id}\\?v=[0-9a-f]{16}$`));
      const stored = Buffer.from(await (await request(user.avatar, { cookie: me.cookie })).arrayBuffer());
      const meta = await sharp(stored).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["webp", 256, 256]);
      const [r, , b] = (await sharp(stored).stats()).channels;
      expect(r.mean).toBeGreaterThan(150);
      expect(b.mean).toBeLessThan(90);

      // Ada sees it in the conversation (and on a desktop in her sidebar's row) without a reload
      await waitForPictures(theirs.page, me.id, name === "desktop" ? 2 : 1);
      await expect(seriousA11yViolations(theirs.page)).resolves.toEqual([]);
      await shootLightAndDark(theirs.page, `avatar-conversation-${name}`);
      await shootLightAndDark(page, `avatar-settings-${name}`);

      // removed: initials again, here and there
      await page.getByRole("button", { name: "Remove picture" }).click();
      await page.getByRole("status").filter({ hasText: "Picture removed" }).waitFor();
      await noPictures(page, me.id);
      await noPictures(theirs.page, me.id);
      await expect(page.getByRole("button", { name: "Remove picture" }).count()).resolves.toBe(0);
      expect((await (await request("/api/me", { cookie: me.cookie })).json()).user.avatar).toBeNull();

      expect(mine.scriptErrors).toEqual([]);
      expect(theirs.scriptErrors).toEqual([]);
      await Promise.all([mine.context.close(), theirs.context.close()]);
    });
  }
});
