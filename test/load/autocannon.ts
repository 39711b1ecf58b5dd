import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

/*
 * The part of autocannon 8's programmatic API the load test uses. The package ships no types.
 * Typed here as plain interfaces, not as an ambient `declare module 'autocannon'`: the bench
 * declares its own subset that way, and two `export =` declarations of one module would clash.
 */

/** One entry of `requests`; every connection cycles through its own copy of the list, in order. */
export interface AutocannonRequest<Context = unknown> {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Called with a copy of this request just before it is sent; returns what to send. */
  setupRequest?: (request: AutocannonRequest<Context>, context: Context) => AutocannonRequest<Context>;
  /** Called with each response to this request. Header names as the server sent them. */
  onResponse?: (status: number, body: string, context: Context, headers: Record<string, string | string[]>) => void;
}

/** One connection; its events: `request` (one sent), `response`, `connError` (socket error), `timeout`. */
export interface AutocannonClient extends EventEmitter {
  /** Replaces this connection's list of requests (documented "Client API"). */
  setRequests(requests: AutocannonRequest[]): void;
}

export interface AutocannonOptions<Context = unknown> {
  url: string;
  connections: number;
  /** Seconds the run lasts; ignored when `amount` is given. */
  duration?: number;
  /** Requests in all, shared out over the connections: the run ends once each connection has had its share answered. */
  amount?: number;
  /** Seconds a request may take before it counts as a timeout (and an error). */
  timeout: number;
  requests: AutocannonRequest<Context>[];
  /** Each connection starts, and restarts at the first request, with a deep copy of this. */
  initialContext?: Context;
  /** Called with every connection before its first request. */
  setupClient?: (client: AutocannonClient) => void;
}

export interface AutocannonHistogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Of `requests`: every response of the run. */
  total: number;
}

export interface AutocannonResult {
  /** Milliseconds, over every response (error statuses included). */
  latency: AutocannonHistogram;
  /** Responses per second, sampled each second; `sent`: requests sent. */
  requests: AutocannonHistogram & { sent: number };
  /** Seconds. */
  duration: number;
  /** Socket errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
}

/** The running instance: a promise of the result, and an emitter of `reqError` (with the error) and `response`. */
export type AutocannonInstance = EventEmitter & PromiseLike<AutocannonResult>;

const requireHere = createRequire(__filename);

export const autocannon = requireHere('autocannon') as <Context = unknown>(
  options: AutocannonOptions<Context>,
) => AutocannonInstance;
