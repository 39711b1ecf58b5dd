/** A small JSON client over fetch for the load test's setup and read-back (not for the load itself). */

export interface Reply {
  status: number;
  body: unknown;
  /** `name=value` of every cookie the response sets. */
  cookies: Map<string, string>;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function call(baseUrl: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  const cookies = new Map<string, string>();
  for (const header of res.headers.getSetCookie()) addCookie(cookies, header);
  return { status: res.status, body, cookies };
}

/** Adds the `name=value` of one Set-Cookie header to `jar`. */
export function addCookie(jar: Map<string, string> | Record<string, string>, setCookie: string): void {
  const pair = setCookie.split(';', 1)[0];
  const eq = pair.indexOf('=');
  if (eq <= 0) return;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  if (jar instanceof Map) jar.set(name, value);
  else jar[name] = value;
}

export function cookieHeader(jar: Map<string, string> | Record<string, string>): string {
  const entries = jar instanceof Map ? [...jar] : Object.entries(jar);
  return entries.map(([name, value]) => `${name}=${value}`).join('; ');
}

/** Runs `work` over every item of `items`, with at most `concurrency` in flight. */
export async function eachBounded<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function describe(reply: Reply): string {
  return `${reply.status} ${truncate(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body))}`;
}

export function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
