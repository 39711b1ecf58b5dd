import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { RequestLogger, RESPONSE_ERROR, type RequestWithId } from './request-logger';

/** A pino logger at `level` whose lines land in `lines`, parsed. */
function capture(level: string): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

/** A request and a response as the middleware sees them: headers in, a header out, 'close' at the end. */
function exchange(headers: Record<string, string> = {}) {
  const req = { headers, method: 'GET', url: '/auth/me', originalUrl: '/auth/me?x=1' } as unknown as RequestWithId;
  const sent = new Map<string, string>();
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    setHeader: (name: string, value: string) => sent.set(name, value),
  });
  return { req, res, sent };
}

const flush = () => new Promise((done) => setImmediate(done));

describe('RequestLogger', () => {
  it('gives the request an id, sends it back, and writes one line when the response is done', async () => {
    const { logger, lines } = capture('info');
    const { req, res, sent } = exchange();
    const next = jest.fn();
    new RequestLogger(logger).middleware(req, res as never, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(req.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.get('X-Request-Id')).toBe(req.id);
    expect(lines).toEqual([]);
    res.emit('close');
    res.emit('close'); // once only
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: req.id, method: 'GET', url: '/auth/me?x=1' },
      res: { statusCode: 200 },
    });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('headers');
  });

  it.each([
    ['kept when well-formed', 'abc-123.DEF_4', true],
    ['replaced when malformed', 'not an id', false],
    ['replaced when too long', 'x'.repeat(65), false],
  ])("takes the caller's X-Request-Id: %s", (_label, incoming, kept) => {
    const { logger } = capture('info');
    const { req } = exchange({ 'x-request-id': incoming });
    new RequestLogger(logger).middleware(req, exchange().res as never, () => undefined);
    expect(req.id === incoming).toBe(kept);
  });

  it('says a 5xx errored, with the error HttpErrorsFilter left on the response', async () => {
    const { logger, lines } = capture('info');
    const { req, res } = exchange();
    new RequestLogger(logger).middleware(req, res as never, () => undefined);
    Object.assign(res, { statusCode: 500, [RESPONSE_ERROR]: new Error('boom') });
    res.emit('close');
    await flush();
    expect(lines[0]).toMatchObject({ msg: 'request errored', res: { statusCode: 500 }, err: { message: 'boom' } });
  });

  it('listens for nothing when request lines are off (LOG_LEVEL above info)', () => {
    const { logger } = capture('warn');
    const { req, res, sent } = exchange();
    new RequestLogger(logger).middleware(req, res as never, () => undefined);
    expect(res.listenerCount('close')).toBe(0);
    expect(sent.get('X-Request-Id')).toBe(req.id);
  });
});
