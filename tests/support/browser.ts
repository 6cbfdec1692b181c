import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { baseUrl } from "./api";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve(__dirname, "../../test-results/screenshots");

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** The system Chromium (never a downloaded one), with the flags this sandbox needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export function newContext(browser: Browser, viewport = DESKTOP, colorScheme: "light" | "dark" = "light"): Promise<BrowserContext> {
  return browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1, isMobile: viewport.width < 600, hasTouch: viewport.width < 600 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** axe violations of serious or critical impact, as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** Signs in through the /login form, as a person would. */
export async function signInWithForm(page: Page, login: string, password: string): Promise<void> {
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** One Chromium for a test file, launched before its tests and closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** uncaught script errors seen on the page; tests expect none */
  scriptErrors: string[];
  /** alert / confirm / prompt messages the page raised (each dismissed); the app raises none */
  dialogs: string[];
  /** what the console reported as errors: failed loads (status ≥ 400), policy violations, … */
  consoleErrors: string[];
}

/** A fresh context and page that records uncaught script errors and console errors, and dismisses (and records) dialogs. */
export async function openPage(browser: Browser, viewport = DESKTOP, colorScheme: "light" | "dark" = "light"): Promise<OpenPage> {
  const context = await newContext(browser, viewport, colorScheme);
  const page = await context.newPage();
  const scriptErrors: string[] = [];
  page.on("pageerror", (e) => scriptErrors.push(e.message));
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  const consoleErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  return { context, page, scriptErrors, dialogs, consoleErrors };
}

/** A page signed in through the form, at the home page. */
export async function openSignedIn(browser: Browser, account: { username: string; password: string }, viewport = DESKTOP): Promise<OpenPage> {
  const opened = await openPage(browser, viewport);
  await signInWithForm(opened.page, account.username, account.password);
  await opened.page.waitForURL(`${baseUrl()}/`);
  return opened;
}

/**
 * Waits until React has hydrated `element` (it then carries React's own props key): typing into a
 * server-rendered field before that reaches the DOM but not the component's state, so a counter or
 * a check that reacts to input never shows (a loaded CI hit this on the sign-up form).
 */
export async function hydrated(element: Locator, ms = 20_000): Promise<void> {
  // the locator is resolved again on each look: React may replace a server-rendered element right
  // after hydration
  const deadline = Date.now() + ms;
  while (!(await element.evaluate((el) => Object.keys(el).some((k) => k.startsWith("__reactProps$")), undefined, { timeout: Math.max(1, deadline - Date.now()) }))) {
    if (Date.now() > deadline) throw new Error("not hydrated");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Screenshots of the page in light and then dark colours (`name`, `name-dark`), left light. */
export async function shootLightAndDark(page: Page, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await screenshot(page, `${name}${scheme === "dark" ? "-dark" : ""}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}
