import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = join(__dirname, '..', '..', '..', '..');
export const consoleDist = join(root, 'apps', 'console', 'dist');

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it): Playwright never downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The console as `npm install` builds it; built here when missing (e.g. CONSOLE_BUILD=off at install). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(consoleDist, 'index.html'))) return;
  execFileSync(process.execPath, [join(root, 'tools', 'build-console.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
}

export function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** What the page did wrong: console errors, uncaught exceptions, failed requests and 5xx answers. */
export interface Guard {
  problems: string[];
}

/**
 * A 1440×900 page that records every console error, page error, failed request and 5xx.
 * A 4xx the console shows to the user (a field error) is part of a flow, not a failure, so
 * Chromium's own "Failed to load resource … status of 4xx" console lines are not counted;
 * requests aborted by navigation (a long-poll left behind) are not failures either.
 */
export async function guardedPage(browser: Browser): Promise<{ page: Page; guard: Guard }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const guard: Guard = { problems: [] };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      return;
    guard.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => guard.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) return;
    guard.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500)
      guard.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return { page, guard };
}

/**
 * Serious and critical axe-core violations of the page once its CSS transitions and
 * animations have finished (axe measured a button mid-transition from disabled to enabled
 * as low contrast).
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Finite ones only: a spinner's animation never finishes.
  await page.evaluate(() =>
    Promise.all(
      (globalThis as any).document
        .getAnimations()
        .filter((a: any) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a: any) => a.finished.catch(() => undefined)),
    ),
  );
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join('; ')}`,
    );
}

/** The JS the browser loads before any page chunk: the entry and its modulepreloads, gzipped. */
export function initialJsGzipBytes(): number {
  const html = readFileSync(join(consoleDist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(
      /<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+\.js)"/g,
    ),
  ].map((m) => m[1]);
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(join(consoleDist, f))).length, 0);
}
