/**
 * Start-up cannot go on, and the reason has already been logged as one line where it was
 * found (in the JSON log format): main.ts only exits with code 1, adding nothing.
 */
export class StartupFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupFailedError';
  }
}
