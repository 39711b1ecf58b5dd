/**
 * What a browser does in a single sign-on, with fetch and a cookie jar: follows the
 * redirects, fills in the test provider's login form (any login name) and accepts its
 * consent form, until the provider redirects back to the service's callback.
 */
export class SsoBrowser {
  /** Cookies by host name, as browsers keep them (not by port). */
  private readonly jar = new Map<string, Map<string, string>>();

  /** One request, no redirect followed; cookies sent and kept. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const target = new URL(url);
    const cookies = this.jar.get(target.hostname) ?? new Map<string, string>();
    const headers: Record<string, string> = { ...init.headers, ...this.cookieHeader(url) };
    const res = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form) : undefined,
      redirect: 'manual',
    });
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute)) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(target.hostname, cookies);
    return res;
  }

  /** The Cookie header this browser sends to `url` (none when it holds no cookie for its host). */
  cookieHeader(url: string): { cookie?: string } {
    const cookies = this.jar.get(new URL(url).hostname);
    if (!cookies?.size) return {};
    return { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  /** The value of cookie `name` the browser holds for `url`'s host. */
  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name);
  }

  /**
   * From the provider's authorization URL to the callback URL it sends the browser back to
   * (not requested: the spec decides what to do with it), signing in as `login`.
   */
  async signIn(authorizationUrl: string, login: string, callbackPrefix: string): Promise<string> {
    let url = authorizationUrl;
    let res = await this.request(url);
    for (let step = 0; step < 20; step += 1) {
      if (res.status >= 300 && res.status < 400) {
        url = new URL(res.headers.get('location') ?? '', url).href;
        if (url.startsWith(callbackPrefix)) return url;
        res = await this.request(url);
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (res.status !== 200 || !action || !prompt) {
        throw new Error(`unexpected page from the provider (${res.status}) at ${url}:\n${html.slice(0, 2000)}`);
      }
      const form: Record<string, string> =
        prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt };
      res = await this.request(new URL(action, url).href, { form });
    }
    throw new Error(`no redirect to ${callbackPrefix} after 20 steps (last: ${url})`);
  }

  /**
   * Signs out at the provider (RP-initiated logout at its end-session endpoint, confirmed on its
   * page): the provider sends its back-channel logouts before it answers.
   */
  async signOut(endSessionUrl: string): Promise<void> {
    const page = await this.request(endSessionUrl);
    const html = await page.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    if (page.status !== 200 || !action || !xsrf) {
      throw new Error(`unexpected logout page (${page.status}) at ${endSessionUrl}:\n${html.slice(0, 2000)}`);
    }
    const confirmed = await this.request(new URL(action, endSessionUrl).href, { form: { xsrf, logout: 'yes' } });
    if (confirmed.status < 300 || confirmed.status >= 400) {
      throw new Error(`the provider did not confirm the logout (${confirmed.status}): ${await confirmed.text()}`);
    }
  }
}
