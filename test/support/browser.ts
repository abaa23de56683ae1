/**
 * A minimal browser for end-to-end OAuth tests: it follows redirects one hop at a time (fetch with
 * `redirect: 'manual'`), keeps cookies per host and path like a real browser (cookies ignore ports, so the
 * bridge's cookie also travels to the emulators on other ports, as it would), can read a page's links and
 * submit its form (a POST, then a GET after a 303, as browsers do).
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
  /** The response headers of the page itself. */
  headers: Headers;
}

export interface OpenOptions {
  /**
   * Rewrites a hop's URL (the person choosing a portal or a login on the provider's approval screen) or
   * answers it instead (a person clicking "Deny": return the URL the provider would redirect to).
   */
  beforeRequest?: (url: URL) => URL | { redirectTo: string };
  /** Stops before loading a matching URL and returns it (status 0): a link someone copied instead of following. */
  stopBefore?: (url: URL) => boolean;
}

export class Browser {
  private cookies: StoredCookie[] = [];

  /** Loads `url` and follows redirects until a page answers. */
  async open(url: string, options: OpenOptions = {}): Promise<Page> {
    return this.navigate(url, null, options);
  }

  /** Submits the page's form as a browser does (its fields, urlencoded), then follows redirects like `open`. */
  async submit(page: Page, options: OpenOptions & { fields?: Record<string, string> } = {}): Promise<Page> {
    const form = formOf(page);
    const body = new URLSearchParams({ ...form.fields, ...options.fields }).toString();
    return this.navigate(new URL(form.action, page.url).toString(), body, options);
  }

  private async navigate(url: string, postBody: string | null, options: OpenOptions): Promise<Page> {
    const hops: Hop[] = [];
    let next = url;
    let body = postBody;
    for (let step = 0; step < 20; step += 1) {
      let target = new URL(next);
      const decision = options.beforeRequest?.(target);
      if (decision && 'redirectTo' in decision) {
        hops.push({ url: target.toString(), status: 302 });
        next = decision.redirectTo;
        body = null;
        continue;
      }
      if (decision) target = decision;
      if (options.stopBefore?.(target)) {
        return { url: target.toString(), status: 0, html: '', hops, headers: new Headers() };
      }
      const response = await fetch(target, {
        redirect: 'manual',
        ...(body === null
          ? { headers: this.cookieHeader(target) }
          : {
              method: 'POST',
              body,
              headers: {
                ...this.cookieHeader(target),
                'content-type': 'application/x-www-form-urlencoded',
              },
            }),
      });
      this.storeCookies(target, response.headers.getSetCookie());
      hops.push({ url: target.toString(), status: response.status });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        next = new URL(location, target).toString();
        // 303 (and, in practice, 301 and 302) turn a POST into a GET; this browser never re-posts.
        body = null;
        continue;
      }
      return {
        url: target.toString(),
        status: response.status,
        html: await response.text(),
        hops,
        headers: response.headers,
      };
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

const unescape = (value: string): string =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The href of the first link on a page whose text matches. */
export function linkTo(page: Page, text: RegExp): string {
  const links = [...page.html.matchAll(/<a [^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a\s*>/g)];
  const found = links.find(([, , label]) => text.test(label ?? ''));
  if (!found?.[1]) throw new Error(`no link matching ${text} on ${page.url}:\n${page.html}`);
  return unescape(found[1]);
}

/** The page's (first) POST form: where it goes and its named fields. */
export function formOf(page: Page): { action: string; fields: Record<string, string> } {
  const form = /<form [^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form\s*>/i.exec(page.html);
  if (!form?.[1]) throw new Error(`no form on ${page.url} (${page.status}):\n${page.html}`);
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<input [^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[unescape(name)] = unescape(value ?? '');
  }
  return { action: unescape(form[1]), fields };
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
