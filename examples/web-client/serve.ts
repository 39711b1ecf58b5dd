/**
 * A tiny static server for the example web client (node:http only, no bundler): it serves the
 * page on its own origin, axios straight from node_modules, and a generated /config.js that
 * tells the page where the API is.
 *
 *   npm run client                                     # http://localhost:5173, API http://localhost:3000
 *   npm run client -- --port 5180 --api http://localhost:4000 --mode jwt
 *   CLIENT_PORT=5180 API_URL=http://localhost:4000 npm run client
 *
 * The browser suite (test/browser) starts it in-process through startClientServer().
 */
import { readFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

export type ClientMode = 'session' | 'jwt' | 'both';
const MODES: readonly string[] = ['session', 'jwt', 'both'];

export interface ClientServerOptions {
  /** 0 picks a free port. Default 5173. */
  port?: number;
  /** Default `localhost`. */
  host?: string;
  /** The API's base URL (its origin, plus a path prefix if any). Default http://localhost:3000. */
  apiUrl?: string;
  /** Forces the page's mode; by default the page reads it from the API (or from `?mode=`). */
  mode?: ClientMode;
}

export interface ClientServer {
  readonly server: Server;
  readonly port: number;
  /** http://<host>:<port> */
  readonly url: string;
  close(): Promise<void>;
}

interface Asset {
  file: string;
  type: string;
}

const HERE = __dirname;
const AXIOS = join(dirname(require.resolve('axios/package.json')), 'dist', 'axios.min.js');

/** Only these paths exist: nothing else on disk is reachable. */
const ASSETS: Record<string, Asset> = {
  '/': { file: join(HERE, 'index.html'), type: 'text/html; charset=utf-8' },
  '/index.html': { file: join(HERE, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: join(HERE, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: join(HERE, 'style.css'), type: 'text/css; charset=utf-8' },
  '/vendor/axios.min.js': { file: AXIOS, type: 'text/javascript; charset=utf-8' },
};

export async function startClientServer(options: ClientServerOptions = {}): Promise<ClientServer> {
  const host = options.host ?? 'localhost';
  const apiUrl = (options.apiUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const apiOrigin = new URL(apiUrl).origin;
  if (options.mode !== undefined && !MODES.includes(options.mode)) {
    throw new Error(`mode must be one of ${MODES.join(', ')}, got "${String(options.mode)}"`);
  }
  const config = `window.WEB_CLIENT_CONFIG = ${JSON.stringify({ apiUrl, mode: options.mode ?? null })};\n`;
  const headers = {
    // The page may talk to itself and to the API, nothing else; no inline script or style.
    'Content-Security-Policy':
      `default-src 'self'; connect-src 'self' ${apiOrigin}; img-src 'self' data:; ` +
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://client.invalid').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method Not Allowed\n');
      return;
    }
    if (path === '/config.js') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : config);
      return;
    }
    const asset = ASSETS[path];
    if (!asset) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not Found\n');
      return;
    }
    readFile(asset.file).then(
      (body) => {
        res.writeHead(200, { ...headers, 'Content-Type': asset.type, 'Content-Length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: Error) => {
        res.writeHead(500, { ...headers, 'Content-Type': 'text/plain' }).end(`${error.message}\n`);
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5173, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      api: { type: 'string' },
      mode: { type: 'string' },
    },
  });
  const port = Number(values.port ?? process.env.CLIENT_PORT ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${port}`);
  const mode = values.mode ?? process.env.CLIENT_MODE;
  const apiUrl = values.api ?? process.env.API_URL ?? 'http://localhost:3000';
  const client = await startClientServer({
    port,
    host: values.host ?? process.env.CLIENT_HOST ?? 'localhost',
    apiUrl,
    mode: mode ? (mode as ClientMode) : undefined,
  });
  process.stdout.write(
    `Example web client on ${client.url}, API ${apiUrl}: start the API with CORS_ORIGINS=${client.url}\n`,
  );
  const stop = () => void client.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
