import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs from `.ci/system-packages`. */
export const CHROMIUM_PATH = process.env.LATCH_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots are test artifacts, kept out of git (.gitignore has .artifacts/). */
export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../../.artifacts/screenshots/', import.meta.url),
);

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to
 * reach Google's services and its connections are refused, many at a time.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A loaded two-core CI machine is slow; every wait allows this long before failing. */
export const UI_TIMEOUT_MS = 20_000;

export interface Browser {
  page: Page;
  /** Saves a full-page PNG as .artifacts/screenshots/NAME.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh profile directory and opens one page. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'latch-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1366, height: 860 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium did not start from ${CHROMIUM_PATH}`, { cause: error });
  }
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    page,
    async screenshot(name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the rows' texts (see rowTexts), sorted, equal `expected` sorted, and returns them.
 * Matching the content, not only the count, keeps a stale list from passing for the new one.
 */
export async function waitForRows(
  rows: Locator,
  expected: string[],
  options: { columns?: number[]; timeoutMs?: number } = {},
) {
  const want = [...expected].sort();
  const deadline = Date.now() + (options.timeoutMs ?? UI_TIMEOUT_MS);
  let seen = (await rowTexts(rows, options.columns)).sort();
  while (JSON.stringify(seen) !== JSON.stringify(want)) {
    if (Date.now() > deadline) {
      throw new Error(`rows still ${JSON.stringify(seen)}, expected ${JSON.stringify(want)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = (await rowTexts(rows, options.columns)).sort();
  }
  return seen;
}

/**
 * The texts of the rows of a table body, one string per row, cells joined by " | "; only the
 * cells at `columns` (0-based) when given, e.g. to leave out times shown in the local format.
 */
export async function rowTexts(rows: Locator, columns?: number[]): Promise<string[]> {
  return rows.evaluateAll(
    (elements, picked) =>
      elements.map((row) => {
        const cells = Array.from(row.querySelectorAll('td')).map((cell) =>
          (cell.textContent ?? '').trim(),
        );
        return (picked ? picked.map((i) => cells[i] ?? '') : cells).join(' | ');
      }),
    columns ?? null,
  );
}
