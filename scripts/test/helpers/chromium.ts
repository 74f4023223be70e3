// Chromium for the docs suites: one place for the launch arguments and the deadlines.
// Playwright's own defaults (30 s per navigation or wait) are expectations of speed that a
// loaded 2-core machine breaks; here every wait is for a page event or a selector, and the
// deadline is only a safety net that turns a hang into a failure.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const BROWSER_SAFETY_NET_MS = 300_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: BROWSER_SAFETY_NET_MS,
  });
}

/** A context whose navigations and waits use the safety-net deadline. */
export async function newContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(BROWSER_SAFETY_NET_MS);
  context.setDefaultNavigationTimeout(BROWSER_SAFETY_NET_MS);
  return context;
}

/** A page in its own context with the safety-net deadline (close the page's context when done). */
export async function newPage(browser: Browser): Promise<Page> {
  return (await newContext(browser)).newPage();
}
