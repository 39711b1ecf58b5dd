import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AuditService } from './audit.service';
import type { NewAuditEvent } from './domain/audit-event';
import { AuditLog } from './persistence/audit-log';
import { MemoryAuditLog } from './persistence/memory/memory-audit-log';

const ANN = '665f1c2b9d3e4a0011111111';
const ADMIN = '665f1c2b9d3e4a0033333333';

function request(userAgent?: string): Request {
  return { ip: '203.0.113.7', get: (name: string) => (name === 'user-agent' ? userAgent : undefined) } as Request;
}

describe('AuditService', () => {
  let logLine: jest.SpyInstance;
  let errorLine: jest.SpyInstance;

  beforeEach(() => {
    logLine = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    errorLine = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('stores the event with the client address and user agent, the user as actor by default', async () => {
    const log = new MemoryAuditLog();
    new AuditService(log).record('logout', request('spec/1'), { userId: ANN.toUpperCase() });
    expect(await log.listNewest({ limit: 10 })).toEqual([
      {
        id: expect.any(String) as unknown,
        at: expect.any(Date) as unknown,
        type: 'logout',
        userId: ANN,
        actorId: ANN,
        ip: '203.0.113.7',
        userAgent: 'spec/1',
        detail: {},
      },
    ]);
  });

  it('names another actor (an admin, or nobody) when told', async () => {
    const log = new MemoryAuditLog();
    const audit = new AuditService(log);
    audit.record('account.locked', request(), { userId: ANN, actorId: ADMIN });
    audit.record('roles.changed', request(), { userId: ANN, actorId: null });
    expect((await log.listNewest({ limit: 10 })).map(({ actorId, userAgent }) => ({ actorId, userAgent }))).toEqual([
      { actorId: null, userAgent: null },
      { actorId: ADMIN, userAgent: null },
    ]);
  });

  it('writes one structured log line per event, marked audit: true', () => {
    new AuditService(new MemoryAuditLog()).record('login.failed', request(), { userId: null }, { reason: 'x' });
    expect(logLine).toHaveBeenCalledTimes(1);
    expect(logLine).toHaveBeenCalledWith(
      expect.objectContaining({ audit: true, type: 'login.failed', userId: null, detail: { reason: 'x' } }),
      'login.failed',
    );
  });

  it('keeps at most 256 characters of a user agent', async () => {
    const log = new MemoryAuditLog();
    new AuditService(log).record('logout', request('x'.repeat(1000)), { userId: ANN });
    expect((await log.listNewest({ limit: 1 }))[0].userAgent).toHaveLength(256);
  });

  it('returns before the store has answered, and a store failure is logged, never thrown', async () => {
    let fail!: (error: Error) => void;
    const appended: NewAuditEvent[] = [];
    const log = {
      append: (event: NewAuditEvent) => {
        appended.push(event);
        return new Promise((_resolve, reject) => (fail = reject));
      },
    } as unknown as AuditLog;

    expect(() => new AuditService(log).record('logout', request(), { userId: ANN })).not.toThrow();
    expect(appended).toHaveLength(1);
    expect(errorLine).not.toHaveBeenCalled();

    fail(new Error('mongo is unavailable'));
    await new Promise(setImmediate);
    expect(errorLine).toHaveBeenCalledWith(
      expect.objectContaining({ audit: true, type: 'logout' }),
      'audit event not stored',
    );
  });
});
