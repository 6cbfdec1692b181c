/**
 * Hostile text — messages, display names, bios and group titles carrying script, HTML and
 * `javascript:` links — reaches every page where it appears as plain text. Every check is on the DOM
 * of the running page (no element injected, no `javascript:` URL), so these fail when text is
 * rendered as HTML even though the page's nonce-based Content-Security-Policy would stop an injected
 * script from running: that policy is a second line, tested in tests/integration/headers.test.ts.
 */
import type { Page } from "playwright-core";
import { baseUrl, closeTestSql, createAccount, request, testSql, type TestAccount } from "../support/api";
import { hydrated, type OpenPage, openSignedIn, screenshot, useBrowser } from "../support/browser";
import { chatUser, createDirect, createGroup, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets } from "../support/sockets";

jest.setTimeout(180_000);

/** Message bodies, in the order they are sent to the group. */
const MESSAGES = [
  `<script>window.__xss=1</script>`,
  `<img src=x onerror="window.__xss=1">`,
  `<svg onload=window.__xss=1>`,
  `"><iframe src="javascript:window.top.__xss=1">`,
  `<a href="javascript:window.__xss=1">click me</a>`,
  `<a href="jav&#x09;ascript:alert(1)">tabbed</a>`,
  `[click](javascript:window.__xss=1)`,
  `javascript:window.__xss=1`,
  `JaVaScRiPt:alert(document.domain)`,
  `data:text/html,<script>alert(1)</script>`,
  `<style>body{display:none}</style>`,
  `&lt;b&gt;not bold&lt;/b&gt; &amp; &#60;i&#62;`,
  `{{constructor.constructor('window.__xss=1')()}}`,
  `<img src=x onerror=alert(document.cookie)>`,
  `https://example.com/"><img src=x onerror=window.__xss=1>`,
  `https://example.com/next?to=javascript:window.__xss=1`,
  // one long word: it must wrap inside the bubble
  `<img/src=x/onerror=window.__xss=1>`.repeat(8),
  `a safe link for contrast: https://example.com`,
];
/** The links the linkifier should make of those bodies: http(s) only, cut before a quote. */
const LINKS = ["https://example.com/", "https://example.com/next?to=javascript:window.__xss=1", "https://example.com"];

/** Display names (at most 64 characters), one per hostile account. */
const NAMES = [
  `<img src=x onerror="window.__xss=1">`,
  `<script>alert(1)</script>`,
  `<a href="javascript:window.__xss=1">Mallory</a>`,
  `"><svg onload=window.__xss=1> Eve`,
];
const BIO = `Hi <b>there</b>! <script>window.__xss=1</script> <img src=x onerror=alert(1)> [me](javascript:window.__xss=1) javascript:window.__xss=1 &lt;i&gt; https://example.com`;
const GROUP_TITLE = `<iframe src="javascript:window.top.__xss=1"></iframe>`;

const browser = useBrowser();
let viewer: TestAccount;
let hostile: ChatUser[];
let groupId: string;
let directIds: string[];

beforeAll(async () => {
  viewer = await createAccount({ displayName: "Vera Viewer" });
  hostile = [];
  for (const displayName of NAMES) hostile.push(await chatUser({ displayName }));
  const bio = await request("/api/me", { method: "PATCH", cookie: hostile[0].cookie, json: { bio: BIO } });
  expect(bio.status).toBe(200);

  const group = await createGroup(hostile[0], GROUP_TITLE, [viewer, ...hostile.slice(1)]);
  groupId = group.id;
  // taking turns, so every hostile name heads a group of messages
  for (const [i, body] of MESSAGES.entries()) expect((await send(hostile[i % hostile.length], groupId, body)).ok).toBe(true);
  // and each writes to the viewer directly, so names and bodies show in the sidebar too
  directIds = [];
  for (const [i, h] of hostile.entries()) {
    const dm = await createDirect(h, viewer);
    directIds.push(dm.id);
    expect((await send(h, dm.id, MESSAGES[i])).ok).toBe(true);
  }
});

afterAll(async () => {
  closeAllSockets();
  await closeTestSql();
});

/** What a payload parsed as HTML would leave behind: the flag, new elements, inline handlers, javascript: URLs. */
function injectionTraces(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const traces: string[] = [];
    if ("__xss" in window) traces.push("window.__xss was set");
    // the app itself renders none of these; Next's own <script>s sit directly in <body>, and the one
    // inline script of the app's own (the list's placing, after the conversation) carries this
    // response's nonce, as Next's do: something injected into the page could not know it
    const foreign = new Set(["script", "style", "iframe", "frame", "object", "embed", "img", "base", "meta", "link"]);
    const nonce = [...document.body.children].find((el): el is HTMLScriptElement => el instanceof HTMLScriptElement && el.nonce !== "")?.nonce;
    const ours = (el: Element) => el instanceof HTMLScriptElement && !!nonce && el.nonce === nonce;
    for (const el of document.body.querySelectorAll("*")) {
      if (foreign.has(el.localName) && el.parentElement !== document.body && !ours(el)) traces.push(`element ${el.outerHTML.slice(0, 120)}`);
      for (const attr of el.attributes) {
        if (attr.name.startsWith("on")) traces.push(`handler ${attr.name} on <${el.localName}>`);
        // browsers ignore controls and spaces inside a scheme, so compare without them
        const url = attr.value.replace(/[\u0000-\u0020]/g, "");
        if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(attr.name) && /^javascript:/i.test(url)) {
          traces.push(`javascript: URL in ${attr.name} of <${el.localName}>: ${attr.value.slice(0, 60)}`);
        }
      }
    }
    return traces;
  });
}

/** Nothing ran and nothing was injected: no flag, no element, no dialog, no uncaught error. */
async function expectNothingRan({ page, dialogs, scriptErrors }: OpenPage): Promise<void> {
  // an injected <img src=x> would fail to load, and fire its onerror, within this time
  await settle(500);
  const seen = { injected: await injectionTraces(page), dialogs, scriptErrors, bodyShown: await page.locator("body").isVisible() };
  expect(seen).toEqual({ injected: [], dialogs: [], scriptErrors: [], bodyShown: true });
}

/** The sidebar row titled `title` (a hostile name also shows in the group's preview, so match the title alone). */
const row = (page: Page, title: string) => page.getByTestId("conversation-item").filter({ has: page.getByTestId("conversation-name").filter({ hasText: title }) });

describe("hostile text in the browser", () => {
  it("shows hostile messages, sender names and a group title as text in the sidebar, the conversation and its settings", async () => {
    const opened = await openSignedIn(browser(), viewer);
    const { context, page } = opened;

    // the sidebar: hostile names and the group title as conversation names, hostile bodies as previews
    await expect(page.getByTestId("conversation-item").nth(NAMES.length).waitFor({ state: "attached" })).resolves.toBeUndefined();
    await expectNothingRan(opened);
    const names = await page.getByTestId("conversation-name").allInnerTexts();
    expect(names).toEqual(expect.arrayContaining([...NAMES, GROUP_TITLE]));
    for (const [i, name] of NAMES.entries()) {
      await expect(row(page, name).innerText()).resolves.toContain(MESSAGES[i]);
    }
    await screenshot(page, "xss-sidebar-desktop");

    // the conversation switcher lists the same titles as text
    await page.keyboard.press("Control+k");
    const switcher = page.getByRole("dialog", { name: "Go to conversation" });
    await expect(switcher.innerText()).resolves.toContain(GROUP_TITLE);
    await expectNothingRan(opened);
    await page.keyboard.press("Escape");

    // the group: every body exactly as sent, every sender name, the title; only the http(s) links are links
    await row(page, GROUP_TITLE).click();
    await page.waitForURL(`${baseUrl()}/c/${groupId}`);
    await expect(page.getByTestId("message-body").nth(MESSAGES.length - 1).waitFor({ state: "attached" })).resolves.toBeUndefined();
    await expectNothingRan(opened);
    await expect(page.getByTestId("message-body").allInnerTexts()).resolves.toEqual(MESSAGES);
    await expect(page.getByTestId("sender-name").allInnerTexts()).resolves.toEqual(MESSAGES.map((_, i) => NAMES[i % NAMES.length]));
    await expect(page.getByTestId("conversation-title").innerText()).resolves.toBe(GROUP_TITLE);
    const links = page.getByTestId("message-body").getByRole("link");
    await expect(links.evaluateAll((as) => as.map((a) => a.getAttribute("href")))).resolves.toEqual(LINKS);
    for (const link of await links.all()) {
      await expect(link.getAttribute("rel")).resolves.toBe("noopener noreferrer");
      await expect(link.getAttribute("target")).resolves.toBe("_blank");
    }
    // a hostile name in the typing line
    await hostile[1].socket.timeout(5_000).emitWithAck("typing", { conversationId: groupId, typing: true });
    await expect(page.getByTestId("typing-line").filter({ hasText: `${NAMES[1]} is typing…` }).waitFor()).resolves.toBeUndefined();
    await expectNothingRan(opened);
    // the long payload wraps inside its bubble instead of widening the list
    await expect(page.getByTestId("message-list").evaluate((el) => el.scrollWidth - el.clientWidth)).resolves.toBeLessThanOrEqual(0);
    await screenshot(page, "xss-conversation-desktop");
    await page.getByTestId("message-list").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await screenshot(page, "xss-conversation-latest-desktop");

    // the group's settings: the title and the members' names as text
    await page.getByRole("button", { name: "Group settings" }).click();
    const settings = page.getByRole("dialog", { name: "Group settings" });
    await expect(settings.innerText()).resolves.toContain(GROUP_TITLE);
    const members = await settings.getByRole("list", { name: "Members" }).innerText();
    for (const name of NAMES) expect(members).toContain(name);
    await expectNothingRan(opened);
    await screenshot(page, "xss-group-settings-desktop");
    await page.keyboard.press("Escape");

    // a direct conversation: the hostile name is its title
    await page.goto(`${baseUrl()}/c/${directIds[2]}`);
    await expect(page.getByTestId("message-body").waitFor({ state: "attached" })).resolves.toBeUndefined();
    await expectNothingRan(opened);
    await expect(page.getByTestId("conversation-title").innerText()).resolves.toBe(NAMES[2]);
    await expect(page.getByTestId("message-body").innerText()).resolves.toBe(MESSAGES[2]);
    await context.close();
  });

  it("shows a hostile name and bio as text in the people directory and on the profile", async () => {
    const opened = await openSignedIn(browser(), viewer);
    const { context, page } = opened;
    const [mallory] = hostile;

    await page.goto(`${baseUrl()}/people`);
    await hydrated(page.getByLabel("Search people"));
    await page.getByLabel("Search people").fill(mallory.username);
    const result = page.getByTestId("people-results").getByRole("link", { name: new RegExp(mallory.username) });
    await expect(result.waitFor({ state: "attached" })).resolves.toBeUndefined();
    await expectNothingRan(opened);
    await expect(result.innerText()).resolves.toContain(NAMES[0]);
    // a hostile query is echoed back as text too
    const query = `<img src=x onerror=alert(1)>`;
    await page.getByLabel("Search people").fill(query);
    await expect(page.getByText(`No one matches “${query}”`).waitFor({ state: "attached" })).resolves.toBeUndefined();
    await expectNothingRan(opened);
    await expect(page.getByText(`No one matches “${query}”`).isVisible()).resolves.toBe(true);

    await page.goto(`${baseUrl()}/u/${mallory.username}`);
    await expectNothingRan(opened);
    await expect(page.getByTestId("profile-name").innerText()).resolves.toBe(NAMES[0]);
    await expect(page.getByTestId("profile-bio").innerText()).resolves.toBe(BIO);
    await expect(page.getByRole("heading", { level: 1 }).innerText()).resolves.toBe(NAMES[0]);
    await screenshot(page, "xss-profile-desktop");
    await context.close();
  });

  it("gives a hostile user their own name and bio back as text in the settings form", async () => {
    const [mallory] = hostile;
    const opened = await openSignedIn(browser(), mallory);
    const { context, page } = opened;

    await page.goto(`${baseUrl()}/settings`);
    await expectNothingRan(opened);
    const form = page.getByRole("form", { name: "Profile" });
    await expect(form.getByLabel("Display name").inputValue()).resolves.toBe(NAMES[0]);
    await expect(form.getByLabel("Bio").inputValue()).resolves.toBe(BIO);
    await expect(page.getByTestId("me-name").innerText()).resolves.toBe(NAMES[0]);
    await screenshot(page, "xss-settings-desktop");

    // saving the form unchanged stores the same text: nothing escaped twice, nothing stripped
    await form.getByRole("button", { name: "Save profile" }).click();
    await expect(form.getByRole("status").filter({ hasText: "Profile saved" }).waitFor()).resolves.toBeUndefined();
    const [stored] = await testSql()`select display_name, bio from users where id = ${mallory.id}`;
    expect(stored).toEqual({ display_name: NAMES[0], bio: BIO });
    await expectNothingRan(opened);
    await context.close();
  });
});
