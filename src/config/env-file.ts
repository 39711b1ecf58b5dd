import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from './config.schema';

/** The file main.ts reads variables from, if any; `required`: it was asked for, so it must be there. */
export interface EnvFileChoice {
  path: string;
  required: boolean;
}

/**
 * Which file of variables to read, from the real environment alone: `ENV_FILE` when it is set
 * (`ENV_FILE=` reads none), otherwise `.env` in development (the default NODE_ENV) if it exists,
 * and none in test or production, where a file left in the working directory must not change
 * what runs.
 */
export function chooseEnvFile(env: Record<string, string | undefined>): EnvFileChoice | undefined {
  const asked = env.ENV_FILE;
  if (asked !== undefined) return asked.trim() === '' ? undefined : { path: asked.trim(), required: true };
  return (env.NODE_ENV ?? 'development') === 'development' ? { path: '.env', required: false } : undefined;
}

/**
 * Reads the chosen file into `process.env`; variables already set win. A file that was asked
 * for and cannot be read is a ConfigError (one line, like every other configuration problem).
 * Returns the path read, if any.
 */
export function loadEnvFile(): string | undefined {
  const choice = chooseEnvFile(process.env);
  if (!choice) return undefined;
  const isFile = existsSync(choice.path) && statSync(choice.path).isFile();
  if (!isFile) {
    if (!choice.required) return undefined;
    throw new ConfigError([`ENV_FILE: ${choice.path} ${existsSync(choice.path) ? 'is not a file' : 'does not exist'}`]);
  }
  let variables: Record<string, string>;
  try {
    variables = parseEnv(readFileSync(choice.path, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new ConfigError([`ENV_FILE: ${choice.path} cannot be read (${(error as Error).message})`]);
  }
  for (const [name, value] of Object.entries(variables)) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
  return choice.path;
}
