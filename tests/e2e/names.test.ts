/**
 * Two members with one name, in a real conversation in Chromium: each is shown with their
 * @username beside the name — in message groups, the typing line, the sidebar (preview and direct
 * conversations) and the group's member list — and a unique name is shown alone. A name stored
 * before the text rules ("Deleted user", a right-to-left override) is shown as stored, isolated,
 * with its handle. Screenshots at desktop and phone size, light and dark.
 */
import type { Page } from "playwright-core";
import { baseUrl, closeTestSql, testSql, uniqueName } from "../support/api";
import { DESKTOP, openPage, PHONE, screenshot, seriousA11yViolations, signInWithForm, useBrowser } from "../support/browser";
import { chatUser, createDirect, createGroup, send, type ChatUser } from "../support/chat";
import { closeAllSockets } from "../support/sockets";

jest.setTimeout(240_000);

const browser = useBrowser();
let viewer: ChatUser;
let ada: ChatUser;
let impostor: ChatUser;
let bob: ChatUser;
let mallory: ChatUser;
let eve: ChatUser;
let groupId: string;

beforeAll(async () => {
  viewer = await chatUser({ displayName: "Grace Hopper" });
  ada = await chatUser({ username: uniqueName("ada"), displayName: "Ada Lovelace" });
  // the same name in another letter case and with a zero-width space: still "the same name"
  impostor = await chatUser({ username: uniqueName("ada_x"), displayName: "ada lovelace\u200b" });
  bob = await chatUser({ displayName: "Bob Babbage" });
  mallory = await chatUser({ displayName: "Mallory" });
  eve = await chatUser({ displayName: "Eve" });
  // names stored before the rules existed, which the API now refuses
  await testSql()`update users set display_name = 'Deleted user' where id = ${mallory.id}`;
  await testSql()`update users set display_name = ${"\u202eevE"} where id = ${eve.id}`;

  const group = await createGroup(ada, "Analytical Engine", [viewer, impostor, bob, mallory, eve]);
  groupId = group.id;
  for (const [who, body] of [
    [ada, "The engine can weave algebraic patterns."],
    [bob, "Punched cards, like the Jacquard loom."],
    [impostor, "Hi Grace, it's Ada — please send me your password."],
    [mallory, "I am not really gone."],
    [eve, "Reversed? Not here: nothing after my name moves."],
    [impostor, "Quick, before anyone notices!"],
  ] as const) {
    expect((await send(who, groupId, body)).ok).toBe(true);
  }
  // a direct conversation with each Ada: two sidebar rows titled "Ada Lovelace"
  expect((await send(ada, (await createDirect(ada, viewer)).id, "Hello from the real Ada")).ok).toBe(true);
  expect((await send(impostor, (await createDirect(impostor, viewer)).id, "Hello from the other Ada")).ok).toBe(true);
});

afterAll(async () => {
  closeAllSockets();
  await closeTestSql();
});

// textContent: in a one-line label the name and its handle are flex items, which innerText puts on lines of their own
const senderNames = (page: Page) => page.getByTestId("sender-name").allTextContents();

/** `user` types in the group until `page` shows it (a signal sent before the page's socket joined is not seen). */
async function typing(page: Page, user: ChatUser): Promise<void> {
  const line = page.getByTestId("typing-line").filter({ hasText: `@${user.username} is typing…` });
  for (let attempt = 0; attempt < 20; attempt++) {
    await user.socket.timeout(5000).emitWithAck("typing", { conversationId: groupId, typing: true });
    if (await line.waitFor({ timeout: 1000 }).then(() => true, () => false)) return;
  }
  throw new Error("the typing line never showed");
}

async function openGroup(page: Page): Promise<void> {
  await page.goto(`${baseUrl()}/c/${groupId}`);
  await page.getByTestId("message-body").filter({ hasText: "Quick, before anyone notices!" }).waitFor();
}

describe("two members with one name", () => {
  it("shows each one's @username beside the name wherever the conversation names them, and none beside a unique name", async () => {
    const { context, page, scriptErrors } = await openPage(browser(), DESKTOP, "light");
    await signInWithForm(page, viewer.username, viewer.password);
    await page.waitForURL(`${baseUrl()}/`);

    // the sidebar: both direct conversations say who they are with; the group's preview names the impostor with her handle
    const rows = page.getByTestId("conversation-item");
    await rows.nth(2).waitFor();
    const titles = await page.getByTestId("conversation-name").allTextContents();
    expect(titles).toEqual(expect.arrayContaining([`Ada Lovelace @${ada.username}`, `ada lovelace\u200b @${impostor.username}`, "Analytical Engine"]));
    const groupRow = rows.filter({ hasText: "Analytical Engine" });
    await expect(groupRow.innerText()).resolves.toContain(`ada @${impostor.username}: Quick, before anyone notices!`);

    await openGroup(page);
    await typing(page, impostor);
    await expect(page.getByTestId("typing-line").innerText()).resolves.toBe(`ada lovelace\u200b @${impostor.username} is typing…`);

    expect(await senderNames(page)).toEqual([
      `Ada Lovelace @${ada.username}`,
      "Bob Babbage",
      `ada lovelace\u200b @${impostor.username}`,
      `Deleted user @${mallory.username}`,
      `\u202eevE @${eve.username}`,
      `ada lovelace\u200b @${impostor.username}`,
    ]);

    // the handle looks secondary: muted and smaller than the name, and sits inside the name's isolation
    const look = await page.getByTestId("name-handle").first().evaluate((el) => {
      const name = el.previousElementSibling as HTMLElement;
      const s = getComputedStyle(el);
      const n = getComputedStyle(name);
      return {
        muted: s.color !== n.color,
        smaller: parseFloat(s.fontSize) < parseFloat(n.fontSize),
        lighter: Number(s.fontWeight) < Number(n.fontWeight),
        isolated: el.parentElement!.localName === "bdi" && name.localName === "bdi",
        oneLine: el.getBoundingClientRect().top - name.getBoundingClientRect().top < 8,
      };
    });
    expect(look).toEqual({ muted: true, smaller: true, lighter: true, isolated: true, oneLine: true });

    // the stored right-to-left override stays inside its name: the handle after it reads left to right, unreversed
    const eveLabel = page.getByTestId("sender-name").filter({ hasText: eve.username });
    const order = await eveLabel.evaluate((el) => {
      const name = el.querySelector("bdi bdi")!.getBoundingClientRect();
      const handle = el.querySelector("[data-testid=name-handle]")!.getBoundingClientRect();
      return handle.left >= name.right - 1;
    });
    expect(order).toBe(true);

    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await typing(page, impostor);
    await screenshot(page, "names-group-desktop");

    // the member list tells them apart too
    await page.getByRole("button", { name: "Group settings" }).click();
    const members = page.getByRole("list", { name: "Members" });
    await expect(members.innerText()).resolves.toContain(`@${impostor.username}`);
    await expect(members.innerText()).resolves.toContain(`@${ada.username}`);
    await screenshot(page, "names-group-settings-desktop");
    await page.keyboard.press("Escape");

    // a direct conversation always shows the other person's username under the name
    await rows.filter({ has: page.getByTestId("conversation-name").filter({ hasText: impostor.username }) }).click();
    await expect(page.getByTestId("conversation-status").filter({ hasText: `@${impostor.username}` }).waitFor()).resolves.toBeUndefined();

    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  it("looks right on a desktop in dark and on a phone in light and dark", async () => {
    for (const [viewport, scheme, name] of [
      [DESKTOP, "dark", "names-group-desktop-dark"],
      [PHONE, "light", "names-group-phone"],
      [PHONE, "dark", "names-group-phone-dark"],
    ] as const) {
      const { context, page, scriptErrors } = await openPage(browser(), viewport, scheme);
      await signInWithForm(page, viewer.username, viewer.password);
      await page.waitForURL(`${baseUrl()}/`);
      if (viewport === PHONE) {
        await page.getByTestId("conversation-item").nth(2).waitFor();
        await expect(page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).resolves.toBeLessThanOrEqual(0);
        await screenshot(page, `names-list-phone${scheme === "dark" ? "-dark" : ""}`);
      }
      await openGroup(page);
      await typing(page, impostor);
      expect(await senderNames(page)).toContain(`Ada Lovelace @${ada.username}`);
      await expect(page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).resolves.toBeLessThanOrEqual(0);
      await screenshot(page, name);
      expect(scriptErrors).toEqual([]);
      await context.close();
    }
  });
});
