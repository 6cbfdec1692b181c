import type { Page } from "playwright-core";
import { baseUrl, closeTestSql, createAccount, testSql, uniqueName } from "../support/api";
import { newContext, openPage, PHONE, screenshot, seriousA11yViolations, signInWithForm, useBrowser } from "../support/browser";

jest.setTimeout(120_000);

const browser = useBrowser();
afterAll(closeTestSql);

async function fillRegistration(page: Page, v: { displayName: string; username: string; email: string; password: string }) {
  await page.getByLabel("Display name").fill(v.displayName);
  await page.getByLabel("Username", { exact: true }).fill(v.username);
  await page.getByLabel("Email").fill(v.email);
  await page.getByLabel("Password").fill(v.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

describe("accounts in the browser", () => {
  it("registers, sees the shell, signs out, and signs in again", async () => {
    const { context, page, scriptErrors, consoleErrors } = await openPage(browser());

    // signed-out visitors are sent to the sign-in page
    await page.goto(`${baseUrl()}/`);
    await page.waitForURL(/\/login$/);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, "login-desktop");

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/register$/);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);

    // per-field errors, with the typed values kept
    const username = uniqueName("e2e");
    await fillRegistration(page, { displayName: "Ada Lovelace", username, email: "not-an-email", password: "short" });
    await expect(page.getByText("Enter a valid email address").waitFor()).resolves.toBeUndefined();
    await expect(page.getByText("Password must be at least 8 characters").isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Username", { exact: true }).inputValue()).resolves.toBe(username);
    await screenshot(page, "register-errors-desktop");
    expect(await testSql()`select id from users where username = ${username}`).toHaveLength(0);

    // a valid registration signs the user in and lands in the shell
    await fillRegistration(page, { displayName: "Ada Lovelace", username, email: `${username}@example.test`, password: "analytical engine" });
    await page.waitForURL(`${baseUrl()}/`);
    await expect(page.getByTestId("me-name").textContent()).resolves.toBe("Ada Lovelace");
    await expect(page.getByText(`@${username}`).isVisible()).resolves.toBe(true);
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, "shell-desktop");

    // sign out lands on /login, and the shell is no longer reachable
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${baseUrl()}/`);
    await page.waitForURL(/\/login$/);
    const [session] = await testSql()`select s.revoked_at from sessions s join users u on u.id = s.user_id where u.username = ${username}`;
    expect(session.revoked_at).not.toBeNull();

    // a wrong password is explained; the right one (by email) gets back in
    await signInWithForm(page, username, "not the password");
    await expect(page.locator("form [role=alert]").textContent()).resolves.toBe("Wrong username, email or password");
    await signInWithForm(page, `${username}@example.test`, "analytical engine");
    await page.waitForURL(`${baseUrl()}/`);
    await expect(page.getByTestId("me-name").textContent()).resolves.toBe("Ada Lovelace");

    expect(scriptErrors).toEqual([]);
    // nothing blocked by the Content-Security-Policy, no missing asset: only the wrong password's 401
    expect(consoleErrors).toEqual([expect.stringContaining("status of 401")]);
    await context.close();
  });

  it("fits a phone screen, in light and dark", async () => {
    const acct = await createAccount({ displayName: "Grace Brewster Murray Hopper" });
    for (const scheme of ["light", "dark"] as const) {
      const context = await newContext(browser(), PHONE, scheme);
      const page = await context.newPage();
      await page.goto(`${baseUrl()}/login`);
      await screenshot(page, `login-phone-${scheme}`);
      await signInWithForm(page, acct.username, acct.password);
      await page.waitForURL(`${baseUrl()}/`);
      await expect(page.getByTestId("me-name").isVisible()).resolves.toBe(true);
      // nothing overflows sideways
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // the sign-out control is on screen and a touch target of at least 44 px
      const box = (await page.getByRole("button", { name: "Sign out" }).boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await screenshot(page, `shell-phone-${scheme}`);
      await context.close();
    }
  });
});
