/**
 * npm run bench [-- --quick]: what each AUTH_STRATEGY costs, measured side by side with the
 * service without its guard, a bare NestJS app and the NestJS docs' recipes (bench/references/).
 * The method is in bench/README.md. Every server runs in a child process of its own, on a
 * free loopback port; autocannon runs here. Exits 1 if any variant errs or answers non-2xx.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as argon2 from 'argon2';
import Redis from 'ioredis';
import { ARGON2_OPTIONS } from '../src/auth/password-hasher';
import { call, createPost, Credential, login, LoggedIn, register } from './lib/api';
import { compileBenchServers } from './lib/compile';
import { summarizeCpuProfile } from './lib/cpu-profile';
import { drive, LoadResult } from './lib/load';
import { answers200, Child, cpuSeconds, freePort, sleep, startRedis } from './lib/processes';
import { logInToRecipe, REFUSED_STATUS } from './lib/recipe-api';
import { allKeys, RecordTemplate, redisCpuSeconds, unlinkAll, usedMemory } from './lib/redis-records';
import { median, Ratio, Report, VariantReport, writeReport, Yardstick } from './lib/report';

const ROOT = resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const SETTINGS = QUICK
  ? { rounds: 3, seconds: 2, warmupSeconds: 1, connections: 10, growthRounds: 3, logins: 5 }
  : { rounds: 8, seconds: 8, warmupSeconds: 3, connections: 50, growthRounds: 4, logins: 20 };
const MEMORY_RECORDS = 10_000;
const SESSIONS_FEW = 1_000;
const SESSIONS_MANY = 100_000;
/** With REDIS_URL given, the bench works in this database of it (unless the URL names one). */
const DEFAULT_BENCH_DB = 15;
const PASSWORD = 'correct horse battery staple';
const NEAR = { lng: 2.2874, lat: 48.8616 };
/** The post id the outside references are asked for: any id will do, they answer every one. */
const ANY_POST_ID = randomBytes(12).toString('hex');
/** The variant profiled under `node --cpu-prof` after the rounds (issue 13: one mode is enough). */
const PROFILED = 'jwt-none';

interface VariantSpec {
  name: string;
  /** One of the bench's own servers (a path under bench/) to run instead of the service's dist/main.js. */
  script?: string;
  /** Whose API seeds it: the service's (API.md), or the outside references' (lib/recipe-api.ts). */
  api: 'service' | 'recipe';
  credential: Credential;
  /** The service's configuration (the outside references read only PORT and REDIS_URL). */
  env: Record<string, string>;
  /** The median ratio to each yardstick must reach a number, or the named variant's own ratio to it. */
  targets?: Partial<Record<Yardstick, number | string>>;
}

interface Variant extends VariantSpec {
  url: string;
  server: Child;
  caller: LoggedIn;
  /** The benchmark user's email (none for the reference and the outside references). */
  email?: string;
  paths: string[];
}

/** In the order of every round: each of ours right after what it is compared with. */
const VARIANTS: VariantSpec[] = [
  // Bare NestJS: the measured routes, nothing else (issue 13).
  { name: 'bare', script: 'references/bare.ts', api: 'recipe', credential: 'none', env: {} },
  // The service with no guard at all, and no session middleware: what the routes cost without authentication.
  {
    name: 'reference',
    script: 'reference-server.ts',
    api: 'service',
    credential: 'none',
    env: { AUTH_STRATEGY: 'jwt', JWT_REVOCATION: 'none' },
  },
  { name: 'docs-session', script: 'references/docs-session.ts', api: 'recipe', credential: 'cookie', env: {} },
  {
    name: 'session',
    api: 'service',
    credential: 'cookie',
    env: { AUTH_STRATEGY: 'session', SESSION_STORE: 'redis' },
    targets: { reference: 0.55, bare: 'docs-session' },
  },
  { name: 'docs-jwt', script: 'references/docs-jwt.ts', api: 'recipe', credential: 'bearer', env: {} },
  {
    name: 'jwt-denylist',
    api: 'service',
    credential: 'bearer',
    env: { AUTH_STRATEGY: 'jwt', JWT_REVOCATION: 'denylist' },
    targets: { reference: 0.75, bare: 0.45 },
  },
  {
    name: 'jwt-none',
    api: 'service',
    credential: 'bearer',
    env: { AUTH_STRATEGY: 'jwt', JWT_REVOCATION: 'none' },
    targets: { reference: 0.85, bare: 0.5 },
  },
];

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  const scratch = mkdtempSync(join(tmpdir(), 'nest-dual-auth-bench-'));
  const children: Child[] = [];
  let store: Store | undefined;
  try {
    log('==> npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

    const redisStore = await openStore(scratch);
    store = redisStore;
    log(`==> Redis: ${store.description}`);
    const compiled = compileBenchServers(join(ROOT, 'bench'), join(scratch, 'servers'));
    const start = (spec: VariantSpec, nodeFlags: string[] = []) =>
      startVariant(spec, redisStore.url, scratch, children, compiled, nodeFlags);
    const variants = await Promise.all(VARIANTS.map((spec) => start(spec)));
    for (const variant of variants) await seed(variant);

    const memory = await measureMemory(store.redis, byName(variants, 'session'), byName(variants, 'jwt-denylist'));
    const loginCost = await measureLogins(variants);

    const sessions = memory.sessionTemplate;
    await fillSessions(store.redis, sessions, SESSIONS_FEW);
    log(`==> warm-up: ${SETTINGS.warmupSeconds} s per variant`);
    for (const variant of variants) await load(variant, SETTINGS.warmupSeconds, store.redis);
    const measured = await rounds(variants, SETTINGS.rounds, 'main', store.redis);

    await fillSessions(store.redis, sessions, SESSIONS_MANY);
    const manyUsedMemory = await usedMemory(store.redis);
    const growthVariants = [byName(variants, 'reference'), byName(variants, 'session')];
    const growth = await rounds(growthVariants, SETTINGS.growthRounds, `${SESSIONS_MANY} sessions`, store.redis);

    const profile = await profileOne(byName(VARIANTS, PROFILED), join(scratch, 'profile'), start, store.redis);

    const summary = summarize(variants, measured);
    const growthSummary = summarize(growthVariants, growth);
    const report: Report = {
      kind: QUICK ? 'quick' : 'full',
      startedAt: new Date(started).toISOString(),
      durationSeconds: 0,
      code: describeCode(),
      machine: { ...(await describeMachine(store.redis, store.description)), load: [loadAtStart, loadavg()[0]] },
      settings: { ...SETTINGS, routes: variants[0].paths.map((path) => path.replace(/[0-9a-f]{24}/, ':id')) },
      variants: summary,
      login: loginCost,
      memory: { records: MEMORY_RECORDS, session: memory.session, refreshFamily: memory.family },
      growth: {
        few: SESSIONS_FEW,
        many: SESSIONS_MANY,
        usedMemoryAtMany: manyUsedMemory,
        ratioAtFew: byName(summary, 'session').ratios.reference!.median,
        ratioAtMany: byName(growthSummary, 'session').ratios.reference!.median,
        variants: growthSummary,
      },
      profile,
    };
    report.durationSeconds = Math.round((Date.now() - started) / 1000);
    const problems = writeReport(report, ROOT);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await store?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Redis: a private redis-server, or a database of the one at REDIS_URL

interface Store {
  url: string;
  redis: Redis;
  description: string;
  close(): Promise<void>;
}

async function openStore(scratch: string): Promise<Store> {
  const given = process.env.REDIS_URL;
  if (!given) {
    const { url, server } = await startRedis(scratch);
    const redis = new Redis(url);
    const close = async () => {
      await redis.quit();
      await server.stop();
    };
    return { url, redis, description: 'a private redis-server', close };
  }
  const parsed = new URL(given);
  if (parsed.pathname.length <= 1) parsed.pathname = `/${DEFAULT_BENCH_DB}`;
  const url = parsed.toString();
  const redis = new Redis(url);
  // Only what this run created is removed at the end; keys that were there stay.
  const before = await allKeys(redis);
  return {
    url,
    redis,
    description: `database ${parsed.pathname.slice(1)} of REDIS_URL, which held ${before.size} keys before`,
    close: async () => {
      const created = [...(await allKeys(redis))].filter((key) => !before.has(key));
      await unlinkAll(redis, created);
      await redis.quit();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Variants: start, seed, load

async function startVariant(
  spec: VariantSpec,
  redisUrl: string,
  scratch: string,
  children: Child[],
  compiled: (script: string) => string,
  nodeFlags: string[],
): Promise<Variant> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    DATA_STORE: 'memory',
    REDIS_URL: redisUrl,
    // Longer than any run, so that no access token expires mid-run; it changes no per-request work.
    JWT_ACCESS_TTL: '7200',
    // Every run registers its users from 127.0.0.1.
    REGISTER_MAX_PER_IP: '100000',
    ...spec.env,
    PORT: String(port),
  };
  // The service's variants run dist/main.js, the reference the application from dist/ too (its own
  // entry compiled, see lib/compile.ts), the outside references their own compiled file; the bench's
  // compiled servers find their packages through NODE_PATH. All run from the scratch directory: a
  // developer's .env in the repository must not change them.
  const args = !spec.script
    ? [join(ROOT, 'dist', 'main.js')]
    : spec.api === 'service'
      ? [compiled(spec.script), join(ROOT, 'dist')]
      : [compiled(spec.script)];
  const nodePath: Record<string, string> = spec.script ? { NODE_PATH: join(ROOT, 'node_modules') } : {};
  const server = Child.spawn(spec.name, process.execPath, [...nodeFlags, ...args], { ...env, ...nodePath }, scratch);
  children.push(server);
  const url = `http://127.0.0.1:${port}`;
  await server.waitUntil('GET /health 200', () => answers200(`${url}/health`), 60_000);
  log(`==> ${spec.name}: pid ${server.pid} on ${url}`);
  return { ...spec, url, server, caller: { userId: '', headers: {}, storedId: '' }, paths: [] };
}

/** Logged in, with a post to read; then proof that the credential is what lets the requests in. */
async function seed(variant: Variant): Promise<void> {
  const postId = variant.api === 'service' ? await seedService(variant) : await seedRecipe(variant);
  variant.paths = [`/posts/${postId}`, '/auth/me', `/posts/near?lng=${NEAR.lng}&lat=${NEAR.lat}`];
  for (const path of variant.paths)
    await call(variant.url, 'GET', path, { headers: variant.caller.headers, expect: 200 });
}

/** A user of the service, logged in, with one post; returns the post's id. */
async function seedService(variant: Variant): Promise<string> {
  if (variant.credential === 'none') {
    const me = await call(variant.url, 'GET', '/auth/me', { expect: 200 });
    variant.caller = { userId: me.body.id as string, headers: {}, storedId: '' };
  } else {
    const email = `bench-${randomUUID()}@bench.local`;
    await register(variant.url, email, PASSWORD);
    variant.caller = await login(variant.url, email, PASSWORD, variant.credential);
    variant.email = email;
    await call(variant.url, 'GET', '/auth/me', { expect: 401 }); // without the credential
  }
  return createPost(variant.url, variant.caller.headers, variant.credential);
}

/** The outside references know one user and answer any post id (bench/references/common.ts). */
async function seedRecipe(variant: Variant): Promise<string> {
  variant.caller = await logInToRecipe(variant.url, variant.credential);
  if (variant.credential !== 'none') {
    await call(variant.url, 'GET', '/auth/me', { expect: REFUSED_STATUS[variant.credential] }); // without it
  }
  return ANY_POST_ID;
}

/** One load run, with the CPU time the server and Redis spent on it per response. */
async function load(variant: Variant, seconds: number, redis: Redis): Promise<LoadResult> {
  const [server, store] = [cpuSeconds(variant.server.pid), await redisCpuSeconds(redis)];
  const result = await drive(variant.url, variant.paths, variant.caller.headers, {
    connections: SETTINGS.connections,
    durationSeconds: seconds,
  });
  const responses = Math.max(1, result.requests);
  const serverAfter = cpuSeconds(variant.server.pid);
  if (server !== undefined && serverAfter !== undefined)
    result.serverCpuUs = ((serverAfter - server) / responses) * 1e6;
  result.redisCpuUs = (((await redisCpuSeconds(redis)) - store) / responses) * 1e6;
  return result;
}

/** A B C D, A B C D, …: every variant once per round, in the same order. */
async function rounds(
  variants: Variant[],
  count: number,
  label: string,
  redis: Redis,
): Promise<Map<string, LoadResult[]>> {
  const results = new Map<string, LoadResult[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 1; round <= count; round++) {
    for (const variant of variants) {
      if (!variant.server.isRunning) throw new Error(`${variant.name} exited:\n${variant.server.output}`);
      const result = await load(variant, SETTINGS.seconds, redis);
      results.get(variant.name)!.push(result);
      const flag = result.non2xx + result.errors > 0 ? `  <-- ${result.non2xx} non-2xx, ${result.errors} errors` : '';
      log(
        `==> ${label}, round ${round}/${count}: ${variant.name.padEnd(12)} ${result.rps.toFixed(0).padStart(6)} req/s` +
          `  p50 ${result.p50} ms  p99 ${result.p99} ms  CPU/response: server ${cpu(result.serverCpuUs)}` +
          `, Redis ${cpu(result.redisCpuUs)}${flag}`,
      );
      await sleep(250);
    }
  }
  return results;
}

function summarize(variants: Variant[], results: Map<string, LoadResult[]>): VariantReport[] {
  /** Per round, this variant's req/s over the yardstick's; none if the yardstick was not in these rounds. */
  const ratioTo = (yardstick: Yardstick, runs: LoadResult[]): Ratio | undefined => {
    const base = results.get(yardstick);
    if (!base) return undefined;
    const perRound = runs.map((run, round) => run.rps / base[round].rps);
    return { median: median(perRound), perRound };
  };
  const reports = variants.map((variant): VariantReport => {
    const runs = results.get(variant.name)!;
    return {
      name: variant.name,
      rps: median(runs.map((run) => run.rps)),
      p50: median(runs.map((run) => run.p50)),
      p99: median(runs.map((run) => run.p99)),
      serverCpuUs: optionalMedian(runs.map((run) => run.serverCpuUs)),
      redisCpuUs: optionalMedian(runs.map((run) => run.redisCpuUs)),
      ratios: { reference: ratioTo('reference', runs), bare: ratioTo('bare', runs) },
      non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
      timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
      statusCodes: runs.reduce<Record<string, number>>((all, run) => {
        for (const [code, count] of Object.entries(run.statusCodes)) all[code] = (all[code] ?? 0) + count;
        return all;
      }, {}),
      rounds: runs,
    };
  });
  // Targets last: one may be another variant's ratio in the same rounds (session against docs-session).
  for (const variant of variants) {
    for (const [yardstick, target] of Object.entries(variant.targets ?? {}) as [Yardstick, number | string][]) {
      const ratio = byName(reports, variant.name).ratios[yardstick];
      const atLeast =
        typeof target === 'number' ? target : reports.find((other) => other.name === target)?.ratios[yardstick]?.median;
      // Not in these rounds (the growth phase runs only the reference and session): no target.
      if (!ratio || atLeast === undefined) continue;
      ratio.target = typeof target === 'number' ? { atLeast } : { atLeast, setBy: target };
    }
  }
  return reports;
}

/**
 * A separate copy of `spec` under `node --cpu-prof`, seeded and warmed up like the measured ones,
 * then one load run; the self time of what it ran during that run (not its start-up).
 */
async function profileOne(
  spec: VariantSpec,
  dir: string,
  start: (spec: VariantSpec, nodeFlags: string[]) => Promise<Variant>,
  redis: Redis,
): Promise<Report['profile']> {
  mkdirSync(dir, { recursive: true });
  const variant = await start({ ...spec, name: `${spec.name} (profiled)` }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  await seed(variant);
  await load(variant, SETTINGS.warmupSeconds, redis);
  const microseconds = () => Number(process.hrtime.bigint() / 1000n); // the profile's clock
  const from = microseconds();
  const result = await load(variant, SETTINGS.seconds, redis);
  const to = microseconds();
  log(`==> ${variant.name}: ${result.rps.toFixed(0)} req/s; stopping it to write the profile`);
  // The service exits 0 on SIGTERM once drained, and Node writes the profile on the way out.
  await variant.server.stop(30_000);
  return {
    variant: spec.name,
    seconds: SETTINGS.seconds,
    connections: SETTINGS.connections,
    load: result,
    summary: summarizeCpuProfile(dir, { from, to }, ROOT),
  };
}

// ---------------------------------------------------------------------------------------------
// Login cost, Redis memory, growth

async function measureLogins(variants: Variant[]): Promise<Report['login']> {
  log(`==> login cost: ${SETTINGS.logins} sequential logins per variant`);
  const hash = await argon2.hash(PASSWORD, ARGON2_OPTIONS);
  const verify: number[] = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    await argon2.verify(hash, PASSWORD);
    verify.push(performance.now() - start);
  }
  // Interleaved, one login per variant in turn, so that a slow moment hits them all alike.
  const withUsers = variants.filter((variant) => variant.email !== undefined);
  const times = new Map<string, number[]>(withUsers.map((variant) => [variant.name, []]));
  for (let i = 0; i < SETTINGS.logins; i++) {
    for (const variant of withUsers) {
      const start = performance.now();
      await login(variant.url, variant.email!, PASSWORD, variant.credential);
      times.get(variant.name)!.push(performance.now() - start);
    }
  }
  const logins = Object.fromEntries([...times].map(([name, values]) => [name, median(values)]));
  const { type, memoryCost, timeCost, parallelism } = ARGON2_OPTIONS;
  return {
    argon2: { type: type === argon2.argon2id ? 'argon2id' : String(type), memoryCost, timeCost, parallelism },
    verifyMs: median(verify),
    count: SETTINGS.logins,
    medianMs: logins,
  };
}

const sessionIds = () => ({ session: randomBytes(24).toString('base64url'), user: randomBytes(12).toString('hex') });
const familyIds = () => ({ family: randomUUID(), user: randomBytes(12).toString('hex') });

/** Logs a fresh user in once, captures what that stored, and measures 10 000 copies of it. */
async function measureMemory(redis: Redis, session: Variant, jwt: Variant) {
  log(`==> Redis memory: ${MEMORY_RECORDS} sessions, ${MEMORY_RECORDS} refresh families`);
  const capture = async (variant: Variant, idName: string) => {
    const email = `template-${randomUUID()}@bench.local`;
    await register(variant.url, email, PASSWORD);
    const before = await allKeys(redis);
    const loggedIn = await login(variant.url, email, PASSWORD, variant.credential);
    return RecordTemplate.capture(redis, before, { [idName]: loggedIn.storedId, user: loggedIn.userId });
  };
  const measure = async (template: RecordTemplate, makeIds: () => Record<string, string>) => {
    const before = await usedMemory(redis);
    const keys = await template.write(redis, MEMORY_RECORDS, makeIds);
    const bytesPerRecord = ((await usedMemory(redis)) - before) / MEMORY_RECORDS;
    const sample = await template.describe(redis, keys);
    await unlinkAll(redis, keys);
    return { bytesPerRecord, keys: sample, ignoredKeys: template.ignored };
  };
  const sessionTemplate = await capture(session, 'session');
  const familyTemplate = await capture(jwt, 'family');
  return {
    sessionTemplate,
    session: await measure(sessionTemplate, sessionIds),
    family: await measure(familyTemplate, familyIds),
  };
}

/** Tops the session store up to `total` records with copies of a real session. */
async function fillSessions(redis: Redis, template: RecordTemplate, total: number): Promise<void> {
  const present = await template.count(redis, 'session');
  if (present < total) await template.write(redis, total - present, sessionIds);
  log(`==> ${await template.count(redis, 'session')} sessions in Redis`);
}

async function describeMachine(redis: Redis, redisDescription: string): Promise<Omit<Report['machine'], 'load'>> {
  const info = await redis.info('server');
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    redis: /^redis_version:(.+)$/m.exec(info)?.[1].trim() ?? 'unknown',
    redisWhere: redisDescription,
  };
}

/** The commit measured, and whether src/ differed from it. */
function describeCode(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src') ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

const cpu = (us: number | undefined) => (us === undefined ? '?' : `${us.toFixed(0)} µs`);

function optionalMedian(values: (number | undefined)[]): number | undefined {
  return values.every((value) => value !== undefined) ? median(values) : undefined;
}

function byName<T extends { name: string }>(items: T[], name: string): T {
  return items.find((item) => item.name === name)!;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `\nBENCH FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
