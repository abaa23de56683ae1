/**
 * A real browser for end-to-end tests: Debian's chromium driven by playwright-core (no browser download).
 * Where chromium is missing, a browser suite is skipped with a message saying so, except in CI, where a
 * missing browser fails the run: CI never skips the browser tests silently (.ci/run installs chromium).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless and quiet: no sandbox (containers), no GPU, nothing reaching out to the network by itself. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const inCi = () => Boolean(process.env.CI) && process.env.CI !== 'false';

/** Null when chromium is here; otherwise why the browser tests cannot run (thrown in CI). */
export function chromiumMissing(executablePath = CHROMIUM_PATH): string | null {
  if (fs.existsSync(executablePath)) return null;
  const message = `${executablePath} is missing (apt-get install -y chromium)`;
  if (inCi()) throw new Error(`CI must run the browser tests, but ${message}`);
  return message;
}

/**
 * `describe`, or, without chromium outside CI, a skipped suite whose one test names why. Use it for every
 * file that launches the browser.
 */
export function describeWithChromium(name: string, suite: () => void): void {
  const missing = chromiumMissing();
  if (missing === null) {
    describe(name, suite);
    return;
  }
  console.warn(`Skipping "${name}": ${missing}`);
  describe.skip(name, () => {
    it(`needs chromium: ${missing}`, () => undefined);
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Where browser tests leave screenshots for people to look at (git-ignored). */
export function screenshotPath(...parts: string[]): string {
  const file = path.join(__dirname, '../../test-output', ...parts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}
