import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { CONFIG_VARIABLES } from '../src/config/config.schema';

/**
 * docker-compose.yml as compose itself reads it: `docker-compose config` (Debian's package) or
 * `docker compose config` renders the configuration with the shell's variables interpolated,
 * without a Docker engine. Neither installed is a failure, never a skip: .ci/run installs
 * Debian's docker-compose.
 */

const ROOT = resolve(__dirname, '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

/** The first compose that answers `version`: Debian's docker-compose (v1), or the docker CLI plugin (v2). */
function composeCommand(): string[] {
  for (const command of [['docker-compose'], ['docker', 'compose']]) {
    const probe = spawnSync(command[0], [...command.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return command;
  }
  throw new Error(
    'Neither docker-compose nor `docker compose` is installed: apt-get install -y docker-compose ' +
      '(bash .ci/run installs it). This check needs one of them; it never skips.',
  );
}

/** The rendered configuration, with exactly `env` in the shell (plus PATH and HOME, which compose needs to run). */
function render(env: Record<string, string>, ...args: string[]): string {
  const [command, ...prefix] = composeCommand();
  const result = spawnSync(command, [...prefix, '-f', COMPOSE_FILE, 'config', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${[...prefix, 'config', ...args].join(' ')} failed:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** The lines of one service in the rendered YAML (compose writes `services:` then each service at two spaces). */
function service(yaml: string, name: string): string[] {
  const lines = yaml.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`no service ${name} in:\n${yaml}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() !== '' && !line.startsWith('   '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The service's `environment` mapping: name to value, null for a variable without one. */
function environment(lines: string[]): Map<string, string | null> {
  const start = lines.indexOf('    environment:');
  const variables = new Map<string, string | null>();
  if (start < 0) return variables;
  for (const line of lines.slice(start + 1)) {
    const match = /^ {6}([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/.exec(line);
    if (!match) break;
    const raw = match[2].trim();
    const value = raw === 'null' ? null : raw.replace(/^(['"])(.*)\1$/, '$2');
    variables.set(match[1], value);
  }
  return variables;
}

describe('docker-compose.yml', () => {
  it('passes every variable of the configuration schema, set in the shell, to the app', () => {
    expect(CONFIG_VARIABLES).toEqual(expect.arrayContaining(['PORT', 'SESSION_SECRET', 'TRUST_PROXY', 'LOG_LEVEL']));
    const shell = Object.fromEntries(
      CONFIG_VARIABLES.map((name) => [name, name === 'PORT' ? '4321' : `from-shell-${name.toLowerCase()}`]),
    );

    const app = environment(service(render(shell), 'app'));

    const lost = CONFIG_VARIABLES.filter((name) => app.get(name) !== shell[name]);
    expect(lost.map((name) => `${name}: ${String(app.get(name))}`)).toEqual([]);
  });

  it('needs no variable at all to render: the database services start alone, the app checks its own secrets', () => {
    const yaml = render({});

    expect(render({}, '--services').trim().split('\n').sort()).toEqual(['app', 'mongo', 'redis']);
    const app = environment(service(yaml, 'app'));
    // This stack's defaults: production, on its own MongoDB and Redis.
    expect(app.get('NODE_ENV')).toBe('production');
    expect(app.get('MONGODB_URI')).toBe('mongodb://mongo:27017/nest-dual-auth');
    expect(app.get('REDIS_URL')).toBe('redis://redis:6379');
    expect(app.get('PORT')).toBe('3000');
    // No secret comes from compose: unset, so the app refuses to start in production without them.
    for (const secret of ['SESSION_SECRET', 'JWT_SECRET', 'OIDC_CLIENT_SECRET', 'REDIS_SENTINEL_PASSWORD']) {
      expect([secret, app.get(secret) ?? null]).toEqual([secret, null]);
    }
    // The databases do not wait for the app, nor sit behind a profile.
    for (const name of ['mongo', 'redis']) {
      const lines = service(yaml, name).join('\n');
      expect(lines).not.toMatch(/depends_on|profiles/);
    }
  });

  it('leaves an empty REDIS_URL empty, so that REDIS_CLUSTER_NODES or REDIS_SENTINELS can replace it', () => {
    const app = environment(service(render({ REDIS_URL: '', REDIS_CLUSTER_NODES: 'redis://a:7000' }), 'app'));

    expect(app.get('REDIS_URL')).toBe('');
    expect(app.get('REDIS_CLUSTER_NODES')).toBe('redis://a:7000');
  });

  it('publishes the port the app listens on', () => {
    const ports = service(render({ PORT: '4321' }), 'app').join('\n');

    // v1 writes `published: 4321` / `target: 4321`; v2 writes the same keys (as strings or numbers).
    expect(ports).toMatch(/published: "?4321"?/);
    expect(ports).toMatch(/target: "?4321"?/);
  });

  it('runs Redis with an append-only file on a volume', () => {
    const redis = service(render({}), 'redis').join('\n');

    expect(redis).toMatch(/- --appendonly\n\s+- "?yes"?/);
    expect(redis).toMatch(/redis-data:\/data|source: redis-data\n\s+target: \/data/);
  });
});
