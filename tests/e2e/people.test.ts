import { randomInt } from "node:crypto";
import type { Page } from "playwright-core";
import { baseUrl, closeTestSql, createAccount, testSql, type TestAccount } from "../support/api";
import { hydrated, openSignedIn, PHONE, screenshot, seriousA11yViolations, useBrowser } from "../support/browser";

jest.setTimeout(120_000);

const browser = useBrowser();
afterAll(closeTestSql);

/** Lowercase letters from g–z only, so the token never turns up inside a (hex) generated username. */
function letterToken(length = 8): string {
  return Array.from({ length }, () => String.fromCharCode(103 + randomInt(0, 20))).join("");
}

/** The /u/ links in the directory's result list, sorted. */
async function resultLinks(page: Page): Promise<string[]> {
  const hrefs = await page.getByTestId("people-results").getByRole("link").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.sort();
}

/** Waits until the result list shows exactly `expected` (the search is debounced and fetched). */
async function waitForResults(page: Page, expected: string[], ms = 10_000): Promise<string[]> {
  const want = [...expected].sort();
  const deadline = Date.now() + ms;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = (await page.getByTestId("people-results").count()) ? await resultLinks(page) : [];
    if (JSON.stringify(seen) === JSON.stringify(want)) return seen;
    await page.waitForTimeout(100);
  }
  return seen;
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe("people in the browser", () => {
  it("edits the profile in settings and shows it on /u/[username]", async () => {
    const acct = await createAccount({ displayName: "Before Edit" });
    const { context, page, scriptErrors } = await openSignedIn(browser(), acct);
    await expect(page.getByTestId("me-name").textContent()).resolves.toBe("Before Edit");
    await page.goto(`${baseUrl()}/settings`);
    const form = page.getByRole("form", { name: "Profile" });
    await expect(form.getByLabel("Display name").inputValue()).resolves.toBe("Before Edit");
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);

    // a valid save: success note, and the sidebar follows without a reload
    await form.getByLabel("Display name").fill("Augusta Ada King");
    await form.getByLabel("Bio").fill("Countess of Lovelace. Wrote the first published program.");
    await form.getByRole("button", { name: "Save profile" }).click();
    await expect(form.getByRole("status").filter({ hasText: "Profile saved" }).waitFor()).resolves.toBeUndefined();
    await expect(page.getByTestId("me-name").filter({ hasText: "Augusta Ada King" }).waitFor({ timeout: 5_000 })).resolves.toBeUndefined();
    await expect(page.getByTestId("me-name").textContent()).resolves.toBe("Augusta Ada King");
    const [row] = await testSql()`select display_name, bio from users where id = ${acct.id}`;
    expect(row).toEqual({ display_name: "Augusta Ada King", bio: "Countess of Lovelace. Wrote the first published program." });
    await screenshot(page, "settings-desktop");

    // an invalid save: the error sits by the field and the typed bio survives
    await form.getByLabel("Display name").fill("   ");
    await form.getByLabel("Bio").fill("A draft bio that must not be lost");
    await form.getByRole("button", { name: "Save profile" }).click();
    const nameError = form.getByLabel("Display name").locator("xpath=..").getByRole("alert");
    await expect(nameError.waitFor()).resolves.toBeUndefined();
    await expect(nameError.textContent()).resolves.toBe("Display name is required");
    await expect(form.getByLabel("Display name").getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(form.getByLabel("Bio").inputValue()).resolves.toBe("A draft bio that must not be lost");
    await expect(form.getByRole("status").count()).resolves.toBe(0);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, "settings-errors-desktop");
    // nothing was stored by the invalid save
    const [unchanged] = await testSql()`select display_name, bio from users where id = ${acct.id}`;
    expect(unchanged).toEqual(row);

    // the public profile shows the saved values
    await page.goto(`${baseUrl()}/u/${acct.username}`);
    await expect(page.getByTestId("profile-name").textContent()).resolves.toBe("Augusta Ada King");
    await expect(page.getByTestId("profile-bio").textContent()).resolves.toBe("Countess of Lovelace. Wrote the first published program.");
    await expect(page.getByTestId("me-name").textContent()).resolves.toBe("Augusta Ada King");
    await expect(page.getByRole("link", { name: "Edit profile" }).isVisible()).resolves.toBe(true);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);

    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  it("searches the directory in any letter case and opens a profile", async () => {
    const token = letterToken();
    const people: TestAccount[] = [];
    for (const suffix of ["One", "Two", "Three"]) people.push(await createAccount({ displayName: `Zebra${token} ${suffix}` }));
    const me = people[0];
    const expected = people.map((p) => `/u/${p.username}`);
    // part of the token, in a different case than stored
    const typed = token.slice(1, 7).toUpperCase();

    const { context, page, scriptErrors } = await openSignedIn(browser(), me);

    await page.goto(`${baseUrl()}/people`);
    await hydrated(page.getByLabel("Search people"));
    await page.getByLabel("Search people").fill(typed);
    await expect(waitForResults(page, expected)).resolves.toEqual([...expected].sort());
    // what a screen reader reads of each row (the avatar's initials are aria-hidden)
    const names = await page
      .getByTestId("people-results")
      .getByRole("link")
      .evaluateAll((links) =>
        links.map((a) => {
          const copy = a.cloneNode(true) as HTMLElement;
          copy.querySelectorAll("[aria-hidden=true]").forEach((n) => n.remove());
          return copy.textContent ?? "";
        }),
      );
    expect(names.sort()).toEqual(
      [`Zebra${token} One (you)@${people[0].username}`, `Zebra${token} Two@${people[1].username}`, `Zebra${token} Three@${people[2].username}`].sort(),
    );
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, "people-results-desktop");

    // a search that matches nobody says so
    await page.getByLabel("Search people").fill(`${typed}nomatch`);
    await expect(page.getByText("No one matches").waitFor()).resolves.toBeUndefined();
    await expect(page.getByTestId("people-results").count()).resolves.toBe(0);

    // back to the three, then open one
    await page.getByLabel("Search people").fill(typed.toLowerCase());
    await expect(waitForResults(page, expected)).resolves.toEqual([...expected].sort());
    await page.getByTestId("people-results").getByRole("link", { name: new RegExp(`Zebra${token} Two`) }).click();
    await page.waitForURL(`${baseUrl()}/u/${people[1].username}`);
    await expect(page.getByTestId("profile-name").textContent()).resolves.toBe(`Zebra${token} Two`);
    await expect(page.getByRole("link", { name: "Edit profile" }).count()).resolves.toBe(0);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    expect(scriptErrors).toEqual([]);
    await context.close();

    // the same on a phone
    const { context: phone, page: phonePage } = await openSignedIn(browser(), me, PHONE);
    await phonePage.goto(`${baseUrl()}/people`);
    await hydrated(phonePage.getByLabel("Search people"));
    await phonePage.getByLabel("Search people").fill(typed);
    await expect(waitForResults(phonePage, expected)).resolves.toEqual([...expected].sort());
    await expect(horizontalOverflow(phonePage)).resolves.toBeLessThanOrEqual(0);
    await expect(seriousA11yViolations(phonePage)).resolves.toEqual([]);
    await screenshot(phonePage, "people-results-phone");

    await phonePage.getByTestId("people-results").getByRole("link", { name: new RegExp(`Zebra${token} Three`) }).click();
    await phonePage.waitForURL(`${baseUrl()}/u/${people[2].username}`);
    await expect(phonePage.getByTestId("profile-name").textContent()).resolves.toBe(`Zebra${token} Three`);
    await expect(horizontalOverflow(phonePage)).resolves.toBeLessThanOrEqual(0);
    await expect(seriousA11yViolations(phonePage)).resolves.toEqual([]);
    await screenshot(phonePage, "profile-phone");
    await phone.close();
  });

  it("deletes the account after asking for the password, and lands on the sign-in page", async () => {
    const acct = await createAccount({ displayName: "Short Lived" });
    const { context, page, scriptErrors } = await openSignedIn(browser(), acct);
    await page.goto(`${baseUrl()}/settings`);

    const danger = page.getByRole("form", { name: "Delete account" });
    await expect(danger.count()).resolves.toBe(0);
    await page.getByRole("button", { name: "Delete account…" }).click();
    await expect(danger.waitFor()).resolves.toBeUndefined();

    // a wrong password is refused and explained by the field
    await danger.getByLabel("Your password").fill("not my password");
    await danger.getByRole("button", { name: "Delete my account permanently" }).click();
    const passwordError = danger.getByLabel("Your password").locator("xpath=..").getByRole("alert");
    await expect(passwordError.waitFor()).resolves.toBeUndefined();
    await expect(passwordError.textContent()).resolves.toBe("Wrong password");
    await expect(danger.getByLabel("Your password").getAttribute("aria-invalid")).resolves.toBe("true");
    expect(await testSql()`select id from users where id = ${acct.id}`).toHaveLength(1);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, "settings-delete-wrong-password-desktop");

    // the right one deletes the account and signs out
    await danger.getByLabel("Your password").fill(acct.password);
    await danger.getByRole("button", { name: "Delete my account permanently" }).click();
    await page.waitForURL(/\/login\?deleted=1$/);
    await expect(page.getByText("Your account was deleted").waitFor()).resolves.toBeUndefined();
    expect(await testSql()`select id from users where id = ${acct.id}`).toHaveLength(0);
    expect(await testSql()`select id from sessions where user_id = ${acct.id}`).toHaveLength(0);

    // the shell is out of reach, and the old credentials no longer sign in
    await page.goto(`${baseUrl()}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel("Username or email").fill(acct.username);
    await page.getByLabel("Password").fill(acct.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form [role=alert]").waitFor()).resolves.toBeUndefined();
    expect(page.url()).toMatch(/\/login$/);

    expect(scriptErrors).toEqual([]);
    await context.close();
  });
});
