import { ConfigError, loadConfig } from '../../src/config/config.schema';

/** The problems loadConfig lists for `env`; fails the test if it accepts the environment. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}
