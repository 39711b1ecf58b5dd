import { MongoServerError, type Collection, type Document } from 'mongodb';
import { AUDIT_TTL_INDEX, ensureTtlIndex } from './audit-ttl-index';

/**
 * A stand-in collection: no mongod can run on the CI machines. The real server is exercised by
 * audit-log.contract.spec.ts (with MONGODB_URI), which also starts against an index of another lifetime.
 */
function collection(createIndex: () => Promise<string>) {
  const command = jest.fn(() => Promise.resolve({ ok: 1 }));
  const fake = { collectionName: 'audit_events', createIndex: jest.fn(createIndex), db: { command } };
  return { fake, command, target: fake as unknown as Collection<Document> };
}

describe('ensureTtlIndex', () => {
  it('builds the TTL index on `at` with the lifetime asked for', async () => {
    const { fake, command, target } = collection(() => Promise.resolve(AUDIT_TTL_INDEX));
    await ensureTtlIndex(target, 3600);
    expect(fake.createIndex).toHaveBeenCalledWith({ at: 1 }, { name: AUDIT_TTL_INDEX, expireAfterSeconds: 3600 });
    expect(command).not.toHaveBeenCalled();
  });

  it('changes the lifetime with collMod when the index exists with another one', async () => {
    const conflict = new MongoServerError({ code: 85, codeName: 'IndexOptionsConflict', errmsg: 'conflict' });
    const { command, target } = collection(() => Promise.reject(conflict));
    await ensureTtlIndex(target, 7200);
    expect(command).toHaveBeenCalledWith({
      collMod: 'audit_events',
      index: { keyPattern: { at: 1 }, expireAfterSeconds: 7200 },
    });
  });

  it('lets any other failure through, for start-up to report', async () => {
    const other = new MongoServerError({ code: 13, codeName: 'Unauthorized', errmsg: 'not allowed' });
    const { command, target } = collection(() => Promise.reject(other));
    await expect(ensureTtlIndex(target, 60)).rejects.toBe(other);
    expect(command).not.toHaveBeenCalled();
  });
});
