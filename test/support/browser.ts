/**
 * A minimal browser for end-to-end OAuth tests: it follows redirects one hop at a time (fetch with
 * `redirect: 'manual'`), keeps cookies per host and path like a real browser (cookies ignore ports, so the
 * bridge's cookie also travels to the emulators on other ports, as it would), and can read a page's links.
 */

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt: number | null;
}

export interface Hop {
  url: string;
  status: number;
}

export interface Page {
  url: string;
  status: number;
  html: string;
  hops: Hop[];
}

export class Browser {
  private cookies: StoredCookie[] = [];

  /**
   * Loads `url` and follows redirects until a page answers. `beforeRequest` may rewrite a hop's URL (the
   * person choosing a portal or a login on the provider's approval screen) or answer it instead (a person
   * clicking "Deny": return the URL the provider would redirect to).
   */
  async open(
    url: string,
    options: {
      beforeRequest?: (url: URL) => URL | { redirectTo: string };
      /** Stops before loading a matching URL and returns it (status 0): a link someone copied instead of following. */
      stopBefore?: (url: URL) => boolean;
    } = {},
  ): Promise<Page> {
    const hops: Hop[] = [];
    let next = url;
    for (let step = 0; step < 20; step += 1) {
      let target = new URL(next);
      const decision = options.beforeRequest?.(target);
      if (decision && 'redirectTo' in decision) {
        hops.push({ url: target.toString(), status: 302 });
        next = decision.redirectTo;
        continue;
      }
      if (decision) target = decision;
      if (options.stopBefore?.(target)) return { url: target.toString(), status: 0, html: '', hops };
      const response = await fetch(target, { redirect: 'manual', headers: this.cookieHeader(target) });
      this.storeCookies(target, response.headers.getSetCookie());
      hops.push({ url: target.toString(), status: response.status });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        next = new URL(location, target).toString();
        continue;
      }
      return { url: target.toString(), status: response.status, html: await response.text(), hops };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  cookie(host: string, name: string): string | undefined {
    return this.cookies.find((cookie) => cookie.host === host && cookie.name === name)?.value;
  }

  private cookieHeader(url: URL): Record<string, string> {
    const now = Date.now();
    this.cookies = this.cookies.filter((cookie) => cookie.expiresAt === null || cookie.expiresAt > now);
    const matching = this.cookies.filter(
      (cookie) => cookie.host === url.hostname && url.pathname.startsWith(cookie.path),
    );
    return matching.length > 0
      ? { cookie: matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') }
      : {};
  }

  private storeCookies(url: URL, headers: string[]): void {
    for (const header of headers) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      const attribute = (key: string) =>
        attributes.find((part) => part.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const maxAge = attribute('max-age');
      const cookie: StoredCookie = {
        name,
        value: value.join('='),
        host: url.hostname,
        path: attribute('path') ?? '/',
        expiresAt: maxAge === undefined ? null : Date.now() + Number(maxAge) * 1000,
      };
      this.cookies = this.cookies.filter(
        (existing) =>
          !(existing.name === name && existing.host === cookie.host && existing.path === cookie.path),
      );
      if (cookie.expiresAt === null || cookie.expiresAt > Date.now()) this.cookies.push(cookie);
    }
  }
}

/** The href of the first link on a page whose text matches. */
export function linkTo(page: Page, text: RegExp): string {
  const links = [...page.html.matchAll(/<a [^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a\s*>/g)];
  const found = links.find(([, , label]) => text.test(label ?? ''));
  if (!found?.[1]) throw new Error(`no link matching ${text} on ${page.url}:\n${page.html}`);
  return found[1]
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** The visible text of a page, for assertions that read like what the admin sees. */
export function textOf(page: Page): string {
  return page.html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
