/** The built site and one browser for a test file: served and launched before its tests, closed after them. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, serveSite, type ServedSite } from './harness';

export interface SiteSession {
  readonly site: ServedSite;
  readonly browser: Browser;
}

export function siteSession(): SiteSession {
  let site: ServedSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    site = await serveSite();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  const opened = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: siteSession() opens it in beforeAll`);
    return value;
  };
  return {
    get site() { return opened(site, 'the built site'); },
    get browser() { return opened(browser, 'the browser'); },
  };
}
