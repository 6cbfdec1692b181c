/**
 * Text that draws outside its box (issue 11, item 7; docs/text.md): stacked combining marks
 * ("zalgo") in a message, a name, a title or a sidebar preview paint only inside their own box —
 * the bubble, the one-line label — on a phone and a desktop, light and dark.
 *
 * The fonts on this machine draw a stack of marks as one blob on its letter, so the text under test
 * is drawn with tests/support/tall-marks-font.ts, whose marks reach as far above and below the line
 * as a tower of them does in a phone's fonts. (Screenshots for people are taken in the real fonts
 * first.) How it is measured: the page is captured twice, once as it is and once with the text
 * made `visibility: hidden` (same layout, no ink); the pixels that differ are that text's ink, and
 * none may lie outside its box. As a control, the same text with its box's overflow made visible
 * must be seen outside, so the instrument is not blind. (A Range's client rects cannot tell: they
 * follow the font's ascent and descent, not the marks drawn above and below them.)
 */
import sharp from "sharp";
import type { Locator, Page } from "playwright-core";
import { baseUrl, closeTestSql, request, testSql } from "../support/api";
import { DESKTOP, openPage, PHONE, screenshot, signInWithForm, useBrowser } from "../support/browser";
import { chatUser, createGroup, send, type ChatUser } from "../support/chat";
import { closeAllSockets } from "../support/sockets";
import { tallMarksFont } from "../support/tall-marks-font";

jest.setTimeout(300_000);

const browser = useBrowser();

/** Marks that stack above (U+030D…) and below (U+0316…) a letter, as zalgo generators use. */
const ABOVE = "\u030d\u030e\u0304\u0305\u033f\u0311\u0306\u0310\u0352\u0357";
const BELOW = "\u0316\u0317\u0318\u0319\u031c\u031d\u031e\u031f\u0320\u0324";
/** `word` with `n` (≤ 30, the accepted maximum) stacked marks on each letter, half above, half below. */
const zalgo = (word: string, n: number) => [...word].map((c) => c + (ABOVE.repeat(3).slice(0, n / 2) + BELOW.repeat(3).slice(0, n / 2))).join("");
/** The example, stored before the 30-mark rule existed: "Z" with 50 U+0336 / U+0489 marks, and 50 stacked ones. */
const STORED_BEFORE = `Z${"\u0336\u0489".repeat(25)} and ${zalgo("H", 20)}${ABOVE.repeat(3)}${BELOW.repeat(2)}e comes`;

const BODY = `${zalgo("Hello", 30)} ${zalgo("world", 30)} ${zalgo("zalgo", 30)} ${zalgo("is", 30)} ${zalgo("here", 30)}`;
const NAME = zalgo("Zed", 30).slice(0, 64); // at most 64 code points
const TITLE = `${zalgo("Zg", 30)}`;

let viewer: ChatUser;
let zed: ChatUser;
let groupId: string;

beforeAll(async () => {
  viewer = await chatUser({ displayName: "Grace Hopper" });
  zed = await chatUser({ displayName: NAME });
  groupId = (await createGroup(zed, TITLE, [viewer])).id;
  for (const body of ["before", BODY, "placeholder", "after", zalgo("preview", 30)]) {
    const ack = await send(zed, groupId, body);
    expect([body.slice(0, 10), ack.ok]).toEqual([body.slice(0, 10), true]);
  }
  // a message stored before the rule: the server refuses it now, but old rows must be drawn safely too
  await testSql()`update messages set body = ${STORED_BEFORE} where conversation_id = ${groupId} and body = 'placeholder'`;
});

afterAll(async () => {
  closeAllSockets();
  await closeTestSql();
});

async function pixels(page: Page): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(await page.screenshot({ animations: "disabled", caret: "hide" })).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * The ink of `text` (its pixels, found by hiding it) inside and outside `box`'s rectangle, in
 * device pixels (the scale factor is 1). A 1 px margin allows for anti-aliasing at the border.
 */
async function ink(page: Page, text: Locator, box: Locator): Promise<{ inside: number; outside: number }> {
  await text.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await page.mouse.move(0, 0); // no hover controls
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const rect = (await box.boundingBox())!;
  const shown = await pixels(page);
  await text.evaluate((el) => ((el as HTMLElement).style.visibility = "hidden"));
  const hidden = await pixels(page);
  await text.evaluate((el) => ((el as HTMLElement).style.visibility = ""));
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < shown.height; y++) {
    for (let x = 0; x < shown.width; x++) {
      const i = (y * shown.width + x) * 4;
      const diff = Math.abs(shown.data[i] - hidden.data[i]) + Math.abs(shown.data[i + 1] - hidden.data[i + 1]) + Math.abs(shown.data[i + 2] - hidden.data[i + 2]);
      if (diff < 24) continue;
      const within = x >= rect.x - 1 && x <= rect.x + rect.width + 1 && y >= rect.y - 1 && y <= rect.y + rect.height + 1;
      if (within) inside++;
      else outside++;
    }
  }
  return { inside, outside };
}

/** A message's text and its bubble, by the text's beginning. */
function bubble(page: Page, start: RegExp): { text: Locator; box: Locator } {
  const text = page.getByTestId("message-body").filter({ hasText: start });
  return { text, box: text.locator("xpath=..") };
}

/** Draws the elements of `texts` in the tall-marks font (loaded once per page). */
async function inTallMarks(page: Page, texts: Locator[]): Promise<void> {
  await page.evaluate(async (bytes) => {
    if ([...document.fonts].some((f) => f.family === "ParleyTallMarks")) return;
    const face = new FontFace("ParleyTallMarks", new Uint8Array(bytes).buffer);
    document.fonts.add(await face.load());
  }, [...tallMarksFont()]);
  for (const t of texts) await t.evaluate((el) => ((el as HTMLElement).style.fontFamily = "ParleyTallMarks, sans-serif"));
}

/** `text`'s ink against `box` as the app draws it, and with the box's overflow made visible (the control). */
async function clipping(page: Page, text: Locator, box: Locator) {
  const clipped = await ink(page, text, box);
  await box.evaluate((el) => ((el as HTMLElement).style.overflow = "visible"));
  const unclipped = await ink(page, text, box);
  await box.evaluate((el) => ((el as HTMLElement).style.overflow = ""));
  return { drawn: clipped.inside > 20, outside: clipped.outside, controlSeesOutside: unclipped.outside > 100 };
}

describe("stacked combining marks stay inside their own box", () => {
  for (const [viewport, scheme] of [
    [PHONE, "light"],
    [PHONE, "dark"],
    [DESKTOP, "light"],
    [DESKTOP, "dark"],
  ] as const) {
    const size = `${viewport.width}×${viewport.height}`;
    it(`at ${size}, ${scheme}: messages, the sender's name, the header title and the sidebar`, async () => {
      const { context, page, scriptErrors } = await openPage(browser(), viewport, scheme);
      await signInWithForm(page, viewer.username, viewer.password);
      await page.waitForURL(`${baseUrl()}/`);
      const name = `${viewport === PHONE ? "phone" : "desktop"}-${scheme}`;
      const found: Record<string, Awaited<ReturnType<typeof clipping>>> = {};

      // the sidebar (the home page on a phone): the title and the zalgo preview, each within its line
      const row = page.getByTestId("conversation-item").first(); // the viewer's only conversation
      await row.waitFor();
      const rowTitle = row.getByTestId("conversation-name");
      const preview = row.getByTestId("conversation-preview");
      await screenshot(page, `zalgo-list-${name}`);
      if (viewport === PHONE) {
        await inTallMarks(page, [rowTitle, preview]);
        found.listTitle = await clipping(page, rowTitle, rowTitle);
        found.listPreview = await clipping(page, preview, preview);
      }

      await page.goto(`${baseUrl()}/c/${groupId}`);
      await bubble(page, /^after$/).text.waitFor();
      await bubble(page, /^H\u030d/).text.first().evaluate((el) => el.scrollIntoView({ block: "center" }));
      await screenshot(page, `zalgo-chat-${name}`);

      const accepted = bubble(page, /^H\u030d/);
      const old = bubble(page, /^Z\u0336/);
      const sender = page.getByTestId("sender-name").first();
      const title = page.getByTestId("conversation-title");
      await inTallMarks(page, [accepted.text, old.text, sender, title, ...(viewport === DESKTOP ? [rowTitle, preview] : [])]);
      found.acceptedMessage = await clipping(page, accepted.text, accepted.box);
      found.messageStoredBeforeTheRule = await clipping(page, old.text, old.box);
      found.senderName = await clipping(page, sender, sender);
      found.headerTitle = await clipping(page, title, title);
      if (viewport === DESKTOP) {
        found.listTitle = await clipping(page, rowTitle, rowTitle);
        found.listPreview = await clipping(page, preview, preview);
      }

      for (const [label, result] of Object.entries(found)) {
        expect([label, result]).toEqual([label, { drawn: true, outside: 0, controlSeesOutside: true }]);
      }
      await expect(page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).resolves.toBeLessThanOrEqual(0);
      expect(scriptErrors).toEqual([]);
      await context.close();
    });
  }
});

/**
 * The other places that show a name, a title or a bio (issue 11, item 7, second pass): each clips
 * stacked marks to its own box and wraps or cuts a 64-letter word with no break point inside it,
 * keeping the controls beside it (a chip's "×") in view.
 */
describe("names, titles and bios stay inside their box outside the conversation too", () => {
  /** 64 letters, no break point: the longest name or title the rules accept. */
  const LONG = `Hubert${"x".repeat(57)}z`;
  const BIO = `${zalgo("Bio", 30)} ${zalgo("here", 30)}\n${zalgo("ok", 24)}`; // 269 code points, of at most 280
  let reader: ChatUser;
  let zalgoUser: ChatUser;
  let longUser: ChatUser;
  let zalgoGroup: string;
  let longGroup: string;

  beforeAll(async () => {
    reader = await chatUser({ displayName: "Ada Reader" });
    zalgoUser = await chatUser({ displayName: NAME });
    longUser = await chatUser({ displayName: LONG });
    const res = await request("/api/me", { method: "PATCH", cookie: zalgoUser.cookie, json: { bio: BIO } });
    expect([res.status, res.status === 200 ? "" : await res.text()]).toEqual([200, ""]);
    zalgoGroup = (await createGroup(zalgoUser, TITLE, [reader])).id;
    longGroup = (await createGroup(longUser, LONG, [reader])).id;
  });

  /** Whether `inner`'s rectangle lies within `outer`'s (1 px for rounding) and the window's width. */
  async function within(page: Page, inner: Locator, outer: Locator): Promise<boolean> {
    const [a, b] = [(await inner.boundingBox())!, (await outer.boundingBox())!];
    const width = await page.evaluate(() => window.innerWidth);
    return a.x >= b.x - 1 && a.x + a.width <= b.x + b.width + 1 && a.x >= 0 && a.x + a.width <= width + 1;
  }

  /** Whether `el` holds its text without any running past its box (wrapped or cut, not spilled). */
  const fits = (el: Locator) => el.evaluate((e) => e.scrollWidth <= e.clientWidth + 1);

  for (const [viewport, scheme] of [
    [PHONE, "light"],
    [PHONE, "dark"],
    [DESKTOP, "light"],
    [DESKTOP, "dark"],
  ] as const) {
    const size = `${viewport.width}×${viewport.height}`;
    it(`at ${size}, ${scheme}: the profile page, the group settings title and the new-group chip`, async () => {
      const { context, page, scriptErrors } = await openPage(browser(), viewport, scheme);
      await signInWithForm(page, reader.username, reader.password);
      await page.waitForURL(`${baseUrl()}/`);
      const name = `${viewport === PHONE ? "phone" : "desktop"}-${scheme}`;
      const found: Record<string, Awaited<ReturnType<typeof clipping>>> = {};
      const layout: Record<string, boolean> = {};

      // the profile page: name, bio and the page header's title
      await page.goto(`${baseUrl()}/u/${zalgoUser.username}`);
      const profileName = page.getByTestId("profile-name");
      const bio = page.getByTestId("profile-bio");
      const headerTitle = page.locator("header h1");
      await bio.waitFor();
      await screenshot(page, `zalgo-profile-${name}`);
      await inTallMarks(page, [profileName, bio, headerTitle]);
      // the avatar's round edge repaints a few pixels differently when the name beside it is hidden
      // (13 on a phone): not ink, so it is hidden while measuring; marks over its place still count
      await page.getByRole("article").locator("> *").first().evaluate((el) => ((el as HTMLElement).style.visibility = "hidden"));
      await screenshot(page, `zalgo-profile-tall-${name}`);
      found.profileName = await clipping(page, profileName, profileName);
      found.profileBio = await clipping(page, bio, bio);
      found.profileHeader = await clipping(page, headerTitle, headerTitle);
      layout.profileNoSideScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

      await page.goto(`${baseUrl()}/u/${longUser.username}`);
      await page.getByTestId("profile-name").filter({ hasText: LONG }).waitFor();
      await screenshot(page, `long-profile-${name}`);
      layout.longProfileNameWraps = await fits(page.getByTestId("profile-name"));
      layout.longProfileNameInCard = await within(page, page.getByTestId("profile-name"), page.getByRole("article"));
      layout.longProfileNoSideScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

      // the group settings dialog, as a member who cannot rename: the title line
      await page.goto(`${baseUrl()}/c/${zalgoGroup}`);
      await page.getByRole("button", { name: "Group settings" }).click();
      let dialog = page.getByRole("dialog", { name: "Group settings" });
      const titleLine = dialog.getByTestId("group-title-line");
      await titleLine.waitFor();
      await inTallMarks(page, [titleLine]);
      await screenshot(page, `zalgo-group-settings-tall-${name}`);
      found.groupSettingsTitle = await clipping(page, titleLine, titleLine);
      await page.keyboard.press("Escape");

      await page.goto(`${baseUrl()}/c/${longGroup}`);
      await page.getByRole("button", { name: "Group settings" }).click();
      dialog = page.getByRole("dialog", { name: "Group settings" });
      await dialog.getByTestId("group-title-line").waitFor();
      await screenshot(page, `long-group-settings-${name}`);
      layout.longGroupTitleWraps = await fits(dialog.getByTestId("group-title-line"));
      layout.longGroupTitleInDialog = await within(page, dialog.getByTestId("group-title-line"), dialog);
      await page.keyboard.press("Escape");

      // the new-group dialog: a chip per person picked, its "×" kept in view
      await page.goto(`${baseUrl()}/`);
      await page.getByRole("button", { name: "New group" }).click();
      dialog = page.getByRole("dialog", { name: "New group" });
      for (const who of [longUser, zalgoUser]) {
        await dialog.getByLabel("Add people").fill(who.username);
        await dialog.getByTestId("pick-person").filter({ hasText: `@${who.username}` }).click();
      }
      const chips = dialog.getByTestId("member-chip");
      await expect(chips.count()).resolves.toBe(2);
      await screenshot(page, `long-chip-${name}`);
      const longChip = chips.nth(0);
      layout.longChipInDialog = await within(page, longChip, dialog);
      layout.longChipCrossInView = (await within(page, longChip.getByText("×"), longChip)) && (await within(page, longChip.getByText("×"), dialog));
      const zalgoName = chips.nth(1).locator("bdi");
      await inTallMarks(page, [zalgoName]);
      await screenshot(page, `zalgo-chip-tall-${name}`);
      found.chipName = await clipping(page, zalgoName, zalgoName);

      // one comparison, so a failure lists every place at once
      const good = { drawn: true, outside: 0, controlSeesOutside: true };
      expect({ found, layout }).toEqual({
        found: Object.fromEntries(Object.keys(found).map((k) => [k, good])),
        layout: Object.fromEntries(Object.keys(layout).map((k) => [k, true])),
      });
      expect(Object.keys(found).length + Object.keys(layout).length).toBe(13);
      expect(scriptErrors).toEqual([]);
      await context.close();
    });
  }
});
