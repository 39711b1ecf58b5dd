import type { Page } from 'playwright-core';

export type LoginState = 'in' | 'out' | 'error';

export interface NearItem {
  id: string;
  text: string;
  distance: string;
}

export interface Message {
  kind: string;
  text: string;
}

/** The example web client (examples/web-client), driven the way a person would: forms and buttons. */
export class ClientPage {
  constructor(
    readonly page: Page,
    /** Where the page is served, for example http://localhost:5173 */
    readonly origin: string,
  ) {}

  /** Loads (or reloads) the page and waits until it knows who is logged in. */
  async open(query = ''): Promise<LoginState> {
    await this.page.goto(`${this.origin}/${query}`);
    return this.loginState();
  }

  async reload(): Promise<LoginState> {
    await this.page.reload();
    return this.loginState();
  }

  /** The settled state of the status line ("checking" while GET /auth/me is on its way). */
  async loginState(): Promise<LoginState> {
    const status = this.page.locator('#status:not([data-state="checking"])');
    await status.waitFor();
    return (await status.getAttribute('data-state')) as LoginState;
  }

  async statusText(): Promise<string> {
    return (await this.page.locator('#status').textContent()) ?? '';
  }

  /** The mode the page resolved and the credential it uses (`cookie` or `token`). */
  async mode(): Promise<{ mode: string; flow: string }> {
    const mode = this.page.locator('#mode[data-mode]:not([data-mode=""])');
    await mode.waitFor();
    return {
      mode: (await mode.getAttribute('data-mode')) ?? '',
      flow: (await mode.getAttribute('data-flow')) ?? '',
    };
  }

  register(email: string, password: string, name?: string): Promise<Message> {
    return this.act(async () => {
      await this.fillAccount(email, password, name);
      await this.page.click('#register');
    });
  }

  login(email: string, password: string): Promise<Message> {
    return this.act(async () => {
      await this.fillAccount(email, password);
      await this.page.click('#login');
    });
  }

  logout(): Promise<Message> {
    return this.act(() => this.page.click('#logout'));
  }

  createPost(text: string, [lng, lat]: [number, number]): Promise<Message> {
    return this.act(async () => {
      await this.page.fill('#post-text', text);
      await this.page.fill('#post-lng', String(lng));
      await this.page.fill('#post-lat', String(lat));
      await this.page.click('#create-post');
    });
  }

  /** Lists the posts near a point; the rendered list, nearest first. */
  async listNear([lng, lat]: [number, number], maxDistance: number): Promise<{ message: Message; items: NearItem[] }> {
    const message = await this.act(async () => {
      await this.page.fill('#near-lng', String(lng));
      await this.page.fill('#near-lat', String(lat));
      await this.page.fill('#near-distance', String(maxDistance));
      await this.page.click('#list-near');
    });
    const items = await this.page.$$eval('#near-list li[data-post-id]', (elements) =>
      elements.map((element) => ({
        id: (element as HTMLElement).dataset.postId ?? '',
        text: element.querySelector('.text')?.textContent ?? '',
        distance: element.querySelector('.distance')?.textContent ?? '',
      })),
    );
    return { message, items };
  }

  /** Does what `run` does, then waits for the page's next message (every action ends with one). */
  private async act(run: () => Promise<void>): Promise<Message> {
    const message = this.page.locator('#message');
    const before = Number(await message.getAttribute('data-seq'));
    await run();
    await this.page.waitForFunction((seq) => Number(document.getElementById('message')?.dataset.seq) > seq, before);
    return {
      kind: (await message.getAttribute('data-kind')) ?? '',
      text: (await message.textContent()) ?? '',
    };
  }

  private async fillAccount(email: string, password: string, name?: string): Promise<void> {
    await this.page.fill('#email', email);
    await this.page.fill('#password', password);
    await this.page.fill('#name', name ?? '');
  }
}

/** Metres in a rendered distance: "630 m" or "1.25 km". */
export function metres(distance: string): number {
  const match = /^([\d.]+) (m|km)$/.exec(distance);
  if (!match) throw new Error(`not a distance: "${distance}"`);
  return Number(match[1]) * (match[2] === 'km' ? 1000 : 1);
}
