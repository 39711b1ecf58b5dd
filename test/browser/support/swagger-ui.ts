import type { Locator, Page } from 'playwright-core';

/** What one "Execute" in Swagger UI showed: the status and the response body, as rendered. */
export interface Execution {
  status: number;
  body: string;
  /** The curl command Swagger UI shows for the request it sent (after its request interceptor). */
  curl: string;
}

interface OpenApiOperation {
  operationId: string;
  tags?: string[];
}

/**
 * Swagger UI at /docs, driven the way a person would: expand an operation, "Try it out", type
 * the body or the parameters, "Execute", read the response; the "Authorize" dialog.
 */
export class SwaggerUi {
  private constructor(
    readonly page: Page,
    /** `METHOD /path` to the element id Swagger UI gives the operation's block. */
    private readonly blocks: Map<string, string>,
  ) {}

  static async open(page: Page, apiUrl: string): Promise<SwaggerUi> {
    await page.goto(`${apiUrl}/docs`);
    await page.locator('.opblock').first().waitFor();
    const response = await page.request.get(`${apiUrl}/docs-json`);
    const document = (await response.json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
    const blocks = new Map<string, string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        blocks.set(
          `${method.toUpperCase()} ${path}`,
          `operations-${operation.tags?.[0] ?? 'default'}-${operation.operationId}`,
        );
      }
    }
    return new SwaggerUi(page, blocks);
  }

  /** The block of `METHOD /path`, expanded, in "Try it out" mode. */
  private async tryItOut(route: string): Promise<Locator> {
    const id = this.blocks.get(route);
    if (!id) throw new Error(`${route} is not in the document`);
    const block = this.page.locator(`[id="${id}"]`);
    if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').first().click();
    // "Try it out" turns into "Cancel" (and "Reset") once clicked.
    const tryOut = block.locator('button.try-out__btn', { hasText: 'Try it out' });
    if (await tryOut.isVisible()) await tryOut.click();
    return block;
  }

  /**
   * Sends `METHOD /path` through Swagger UI: `body` typed into the request body, `params`
   * (name to value) into the parameter fields. Waits for the response Swagger UI renders.
   */
  async execute(route: string, options: { body?: unknown; params?: Record<string, string> } = {}): Promise<Execution> {
    const block = await this.tryItOut(route);
    // A previous answer of this operation would satisfy the wait below: clear it first.
    const clear = block.locator('button.btn-clear');
    if (await clear.isVisible()) await clear.click();
    if (options.body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(options.body));
    for (const [name, value] of Object.entries(options.params ?? {})) {
      await block.locator(`tr[data-param-name="${name}"] input`).fill(value);
    }
    await block.locator('button.execute').click();
    const live = block.locator('.live-responses-table tbody tr.response').first();
    await live.waitFor();
    const status = Number((await live.locator('.response-col_status').textContent())?.trim());
    const body =
      (await live
        .locator('.response-col_description .microlight')
        .first()
        .textContent()
        .catch(() => '')) ?? '';
    const curl = (await block.locator('.curl-command .curl').textContent()) ?? '';
    return { status, body, curl };
  }

  /** Whether Swagger UI holds a credential for some security scheme (the Authorize button shows a closed lock). */
  async isAuthorized(): Promise<boolean> {
    const button = this.page.locator('.auth-wrapper .authorize');
    return ((await button.getAttribute('class')) ?? '').split(' ').includes('locked');
  }

  /** The schemes listed in the Authorize dialog, and the ones of them that hold a value ("Logout" offered). */
  async authorizeDialog(): Promise<{ schemes: string[]; authorized: string[] }> {
    await this.page.click('.auth-wrapper .authorize');
    const containers = this.page.locator('.modal-ux .auth-container');
    await containers.first().waitFor();
    const schemes: string[] = [];
    const authorized: string[] = [];
    for (const container of await containers.all()) {
      const name = ((await container.locator('h4').first().textContent()) ?? '').trim().split(/\s/)[0];
      schemes.push(name);
      if ((await container.locator('button', { hasText: 'Logout' }).count()) > 0) authorized.push(name);
    }
    return { schemes, authorized };
  }

  /** In the open Authorize dialog: "Logout" for one scheme, then close the dialog. */
  async logOutOf(scheme: string): Promise<void> {
    const container = this.page
      .locator('.modal-ux .auth-container')
      .filter({ has: this.page.locator('h4', { hasText: scheme }) });
    await container.locator('button', { hasText: 'Logout' }).click();
    await this.closeDialog();
  }

  async closeDialog(): Promise<void> {
    await this.page.locator('.modal-ux button.close-modal').click();
    await this.page.locator('.modal-ux').waitFor({ state: 'detached' });
  }
}
