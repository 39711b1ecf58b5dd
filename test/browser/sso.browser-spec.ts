import type { Page } from 'playwright-core';
import { OidcTestProvider } from '../support/oidc-test-provider';
import { uniqueEmail } from './support/api-client';
import { inBrowser } from './support/browser';
import { ClientPage } from './support/client-page';
import { Stack, startStack, STRATEGY } from './support/stack';

/**
 * Single sign-on in Chromium through the example web client: "Sign in with SSO", the real test
 * provider's login and consent forms (oidc-provider in a child process), and back on the page,
 * signed in with the credential the mode issues: the session cookie, or tokens from the one-time
 * code of the URL fragment (in `both` the page uses the cookie and keeps the refresh token).
 */
describe(`single sign-on through the example web client, API in ${STRATEGY} mode`, () => {
  let provider: OidcTestProvider | undefined;
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      envFor: async (apiUrl) => {
        const client = {
          client_id: 'web-client-e2e',
          client_secret: 'web-client-e2e-secret',
          redirect_uris: [`${apiUrl}/auth/oidc/callback`],
        };
        provider = await OidcTestProvider.start(client);
        return {
          OIDC_ISSUER_URL: provider.issuer,
          OIDC_CLIENT_ID: client.client_id,
          OIDC_CLIENT_SECRET: client.client_secret,
          OIDC_REDIRECT_URI: client.redirect_uris[0],
        };
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await provider?.stop();
  });

  /** The provider's development forms, as a person fills them in: any login name, then consent. */
  async function signInAtProvider(page: Page, email: string): Promise<void> {
    await page.waitForURL(`${provider!.issuer}/**`);
    await page.fill('input[name="login"]', email);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    await page.locator('button[type="submit"]').click(); // consent: "Continue"
  }

  it('signs in with SSO, lands back on the page signed in, and uses the credential', () =>
    inBrowser(stack.browser, async ({ page }) => {
      const web = new ClientPage(page, stack.clientOrigin);
      expect(await web.open()).toBe('out');
      const email = uniqueEmail('sso');

      await page.locator('#sso:not([hidden])').click();
      await signInAtProvider(page, email);
      await page.waitForURL(`${stack.clientOrigin}/**`);

      expect(await web.loginState()).toBe('in');
      expect(await web.statusText()).toBe(`Logged in as ${email} (Test ${email})`);
      // The one-time code never stays in the address bar.
      expect(new URL(page.url()).hash).toBe('');
      expect(await web.createPost('Posted after single sign-on', [2.2945, 48.8584])).toMatchObject({ kind: 'ok' });
      expect(await web.logout()).toEqual({ kind: 'ok', text: 'Logged out.' });
      expect(await web.reload()).toBe('out');
    }));

  it('offers no SSO button when the API has no single sign-on', async () => {
    const plain = await startStack();
    try {
      await inBrowser(plain.browser, async ({ page }) => {
        const web = new ClientPage(page, plain.clientOrigin);
        expect(await web.open()).toBe('out');
        expect(await page.locator('#sso').isHidden()).toBe(true);
      });
    } finally {
      await plain.close();
    }
  });
});
