import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.schema';
import { chooseEnvFile, loadEnvFile } from './env-file';

describe('chooseEnvFile', () => {
  it('reads .env, if it is there, in development (the default NODE_ENV)', () => {
    expect(chooseEnvFile({})).toEqual({ path: '.env', required: false });
    expect(chooseEnvFile({ NODE_ENV: 'development' })).toEqual({ path: '.env', required: false });
  });

  it('reads no file in production or test unless asked', () => {
    expect(chooseEnvFile({ NODE_ENV: 'production' })).toBeUndefined();
    expect(chooseEnvFile({ NODE_ENV: 'test' })).toBeUndefined();
  });

  it('reads ENV_FILE, which must then exist, in every NODE_ENV', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      expect(chooseEnvFile({ NODE_ENV, ENV_FILE: '/run/secrets/app.env' })).toEqual({
        path: '/run/secrets/app.env',
        required: true,
      });
    }
  });

  it('reads nothing with an empty ENV_FILE, even in development', () => {
    expect(chooseEnvFile({ ENV_FILE: '' })).toBeUndefined();
    expect(chooseEnvFile({ NODE_ENV: 'development', ENV_FILE: '  ' })).toBeUndefined();
  });
});

describe('loadEnvFile', () => {
  const saved = { ...process.env };
  let dir: string;
  // A name no other test or machine uses, so that the process environment is ours to change.
  const NAME = `ENV_FILE_SPEC_${process.pid}`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'env-file-spec-'));
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the variables of ENV_FILE into process.env; variables already set win', () => {
    const file = join(dir, 'app.env');
    writeFileSync(file, `${NAME}_A=from-file\n${NAME}_B=from-file\n`);
    process.env.ENV_FILE = file;
    process.env[`${NAME}_A`] = 'from-environment';

    expect(loadEnvFile()).toBe(file);
    expect(process.env[`${NAME}_A`]).toBe('from-environment');
    expect(process.env[`${NAME}_B`]).toBe('from-file');
  });

  /** The problems of the ConfigError that loadEnvFile throws. */
  function problemsOf(): string[] {
    try {
      loadEnvFile();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('loadEnvFile did not refuse');
  }

  it('refuses an ENV_FILE that does not exist, or is not a file, with one line', () => {
    process.env.ENV_FILE = join(dir, 'missing.env');
    expect(problemsOf()).toEqual([`ENV_FILE: ${join(dir, 'missing.env')} does not exist`]);

    mkdirSync(join(dir, 'a-directory'));
    process.env.ENV_FILE = join(dir, 'a-directory');
    expect(problemsOf()).toEqual([`ENV_FILE: ${join(dir, 'a-directory')} is not a file`]);
  });

  it('reads nothing in production without ENV_FILE', () => {
    process.env = { NODE_ENV: 'production' };
    expect(loadEnvFile()).toBeUndefined();
  });
});
