import autocannon from 'autocannon';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** 2xx responses per second over the run. */
  rps: number;
  /** Milliseconds, over 2xx responses. */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** CPU microseconds per 2xx response, of the server process and of Redis (where measured). */
  serverCpuUs?: number;
  redisCpuUs?: number;
}

/**
 * One autocannon run, in this process, against a server in another: every connection cycles
 * through `paths` in order (an even mix), with the same headers (the credential) on each.
 */
export async function drive(
  baseUrl: string,
  paths: string[],
  headers: Record<string, string>,
  { connections, durationSeconds }: LoadOptions,
): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: durationSeconds,
    // A hang detector, not a latency target: a busy machine slows answers down, and that must not
    // fail CI's quick run (timeouts count as errors).
    timeout: 120,
    headers,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
  };
}
