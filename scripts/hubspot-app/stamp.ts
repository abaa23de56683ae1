/**
 * The HubSpot project names the bridge's public origin in a few places: the extensions' `BRIDGE_ORIGIN`
 * (the one place code reads it from) and the URLs of the `-hsmeta.json` files (OAuth redirect, the origin
 * `hubspot.fetch` may call, the webhook target, support links). Before an upload the real origin is stamped
 * into all of them at once, keeping each URL's path.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PLACEHOLDER_ORIGIN = 'https://bridge.example.com';
export const ORIGIN_FILE = path.join('src', 'app', 'packages', 'bridge-client', 'src', 'origin.ts');

const originLine = /export const BRIDGE_ORIGIN = '([^']*)';/;

export function readOrigin(projectDir: string): string {
  const text = fs.readFileSync(path.join(projectDir, ORIGIN_FILE), 'utf8');
  const match = originLine.exec(text);
  if (!match?.[1]) throw new Error(`${ORIGIN_FILE} does not declare BRIDGE_ORIGIN`);
  return match[1];
}

/** An origin HubSpot accepts in `permittedUrls.fetch`: https, a host, no path, query or credentials. */
export function parseOrigin(input: string): { ok: true; origin: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return {
      ok: false,
      problem: `"${input}" is not a URL; give the bridge's public origin, such as https://sync.acme.com`,
    };
  }
  if (url.protocol !== 'https:') {
    return {
      ok: false,
      problem: `HubSpot calls the bridge over HTTPS only; "${input}" is ${url.protocol.replace(':', '')}`,
    };
  }
  if (url.username || url.password)
    return { ok: false, problem: 'the origin may not carry a user name or password' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return {
      ok: false,
      problem: `give only the origin (scheme and host), without "${url.pathname}${url.search}${url.hash}"`,
    };
  }
  if (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    return { ok: false, problem: 'HubSpot cannot reach a loopback host; use the public name of the bridge' };
  }
  return { ok: true, origin: url.origin };
}

export function hsmetaFiles(projectDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('-hsmeta.json')) found.push(full);
    }
  };
  walk(path.join(projectDir, 'src'));
  return found.sort();
}

/** Every http(s) URL string in the project's -hsmeta.json files, with the file it is in. */
export function projectUrls(projectDir: string): Array<{ file: string; url: string }> {
  const urls: Array<{ file: string; url: string }> = [];
  const visit = (file: string, value: unknown) => {
    if (typeof value === 'string' && /^https?:\/\//.test(value)) urls.push({ file, url: value });
    else if (Array.isArray(value)) value.forEach((item) => visit(file, item));
    else if (value && typeof value === 'object') Object.values(value).forEach((item) => visit(file, item));
  };
  for (const file of hsmetaFiles(projectDir))
    visit(path.relative(projectDir, file), JSON.parse(fs.readFileSync(file, 'utf8')));
  return urls;
}

/**
 * Replaces the current origin with `newOrigin` everywhere it stands; returns the files it changed. A URL
 * of another origin is left alone (a support page elsewhere, say).
 */
export function stampOrigin(projectDir: string, newOrigin: string): string[] {
  const current = readOrigin(projectDir);
  const changed: string[] = [];
  const replace = (file: string, text: string) => {
    const escaped = current.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Only whole origins: followed by a path, a quote or the end of the string.
    const next = text.replace(new RegExp(`${escaped}(?=[/'"])`, 'g'), newOrigin);
    if (next !== text) {
      fs.writeFileSync(file, next);
      changed.push(path.relative(projectDir, file));
    }
  };
  for (const file of [path.join(projectDir, ORIGIN_FILE), ...hsmetaFiles(projectDir)]) {
    replace(file, fs.readFileSync(file, 'utf8'));
  }
  return changed;
}
