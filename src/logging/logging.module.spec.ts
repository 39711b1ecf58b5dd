import { usePrettyLogs } from './logging.module';

describe('usePrettyLogs', () => {
  it('pretty-prints for a person at a terminal running the development server', () => {
    expect(usePrettyLogs('development', true)).toBe(true);
  });

  it.each([
    ['development through a pipe (a log collector, a test reading stdout)', 'development', false],
    ['development with no TTY information', 'development', undefined],
    ['production at a terminal', 'production', true],
    ['production through a pipe', 'production', false],
    ['test at a terminal', 'test', true],
  ] as const)('writes JSON lines in %s', (_label, nodeEnv, isTTY) => {
    expect(usePrettyLogs(nodeEnv, isTTY)).toBe(false);
  });
});
