import type { Browser } from 'playwright-core';
import type { AuthStrategy } from '../../../src/config/config.schema';
import { ClientServer, startClientServer } from '../../../examples/web-client/serve';
import { ApiServer, freePort } from './api-server';
import { launchChromium } from './browser';

/** The mode this run of the suite proves; jest.browser.config.js runs every spec once per mode. */
export const STRATEGY: AuthStrategy = (process.env.AUTH_STRATEGY as AuthStrategy | undefined) ?? 'session';

export interface StackOptions {
  /** More variables of CONFIG.md for the API. */
  env?: Record<string, string>;
  /**
   * More variables that depend on the API's address, known before it starts (a test OpenID
   * provider registers the API's callback URL, then the API is pointed at the provider).
   */
  envFor?: (apiUrl: string) => Promise<Record<string, string>>;
  /** Also serve the page from http://127.0.0.1:<port>, another site, and list that origin in CORS_ORIGINS too. */
  crossSiteClient?: boolean;
}

/**
 * What every browser spec needs: Chromium, the example web client on its own origin
 * (http://localhost:<port>, listed in CORS_ORIGINS) and the built API on another port of the
 * same site (http://localhost:<port>), as app.example.com and api.example.com.
 */
export interface Stack {
  browser: Browser;
  api: ApiServer;
  /** Where the page is served: http://localhost:<client port>. */
  clientOrigin: string;
  /** With `crossSiteClient`: the page at http://127.0.0.1:<port>, a listed origin of another site. */
  crossSiteOrigin?: string;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const clients: ClientServer[] = [];
  const parts: { browser?: Browser; api?: ApiServer } = {};
  const close = async () => {
    await Promise.allSettled([parts.browser?.close(), parts.api?.stop(), ...clients.map((client) => client.close())]);
  };
  try {
    parts.browser = await launchChromium();
    const apiPort = await freePort();
    const apiUrl = `http://localhost:${apiPort}`;
    const client = await startClientServer({ host: '127.0.0.1', port: 0, apiUrl });
    clients.push(client);
    const clientOrigin = `http://localhost:${client.port}`;
    let crossSiteOrigin: string | undefined;
    if (options.crossSiteClient) {
      const crossSite = await startClientServer({ host: '127.0.0.1', port: 0, apiUrl });
      clients.push(crossSite);
      crossSiteOrigin = `http://127.0.0.1:${crossSite.port}`;
    }
    parts.api = await ApiServer.start({
      strategy: STRATEGY,
      port: apiPort,
      corsOrigins: [clientOrigin, ...(crossSiteOrigin ? [crossSiteOrigin] : [])],
      env: { ...options.env, ...(await options.envFor?.(apiUrl)) },
    });
    return { browser: parts.browser, api: parts.api, clientOrigin, crossSiteOrigin, close };
  } catch (error) {
    await close();
    throw error;
  }
}
