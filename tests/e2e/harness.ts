/**
 * End-to-end harness: finds a system Chromium, serves the built site with `astro preview` (which sends
 * the COOP/COEP headers from astro.config.mjs, needed for the WASM backend's threads), and opens pages
 * that record console errors.
 *
 * Environment: CHROMIUM_PATH (a Chromium/Chrome binary), SITE_OUT_DIR (built site to serve, default dist/).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The Chromium binary to drive: $CHROMIUM_PATH, else the first of the usual locations that exists. */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there.`);
    return fromEnv;
  }
  const found = CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found for the end-to-end tests. Looked in: ${CHROMIUM_CANDIDATES.join(', ')}.\n` +
        'Install one (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  return found;
}

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_FLAGS, ...extraArgs] });
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServedSite {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  outDir: string;
  close(): Promise<void>;
}

/** Serves the built site (dist/ unless SITE_OUT_DIR says otherwise) with `astro preview` on a free port. */
export async function serveSite(outDir = process.env.SITE_OUT_DIR ?? path.join(REPO_ROOT, 'dist')): Promise<ServedSite> {
  if (!fs.existsSync(path.join(outDir, 'index.html'))) {
    throw new Error(`No built site in ${outDir} (no index.html). Build it first: npm run build (npm run test:e2e does both).`);
  }
  const { preview } = await import('astro');
  const port = await freePort();
  const server = await preview({ root: REPO_ROOT, outDir, logLevel: 'warn', server: { host: '127.0.0.1', port } });
  return {
    url: `http://127.0.0.1:${port}`,
    outDir,
    close: () => server.stop(),
  };
}

export interface OpenPageOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
}

export interface TrackedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught page errors and failed requests since the page was opened. */
  errors: string[];
  close(): Promise<void>;
}

/** A new page (own context) that records console errors, uncaught exceptions and failed requests. */
export async function openPage(browser: Browser, options: OpenPageOptions = {}): Promise<TrackedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { page, context, errors, close: () => context.close() };
}

/** Sets Starlight's colour theme the way its theme picker does (stored choice + data-theme). */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    localStorage.setItem('starlight-theme', t);
    document.documentElement.dataset.theme = t;
  }, theme);
}
