import { MemoryStore, SessionData, Store } from 'express-session';
import { loadSessions } from './load-sessions';
import './session-data';

const stored = (userId: string) =>
  ({ cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, userId }) as unknown as SessionData;

/** express-session's MemoryStore never fails a set. */
function put(store: Store, sid: string, session: SessionData): Promise<void> {
  return new Promise((resolve) => store.set(sid, session, () => resolve()));
}

describe('loadSessions', () => {
  it('reads one by one from a store without getMany, leaving out the missing ones', async () => {
    const store = new MemoryStore();
    await put(store, 'a', stored('u1'));
    await put(store, 'c', stored('u2'));
    const found = await loadSessions(store, ['a', 'b', 'c']);
    expect([...found.keys()]).toEqual(['a', 'c']);
    expect(found.get('c')?.userId).toBe('u2');
  });

  it('asks a store with getMany once, for every id', async () => {
    const store = Object.assign(new MemoryStore(), {
      getMany: jest.fn((sids: readonly string[]) => Promise.resolve(new Map([[sids[0], stored('u1')]]))),
    });
    const get = jest.spyOn(store, 'get');
    const found = await loadSessions(store, ['a', 'b']);
    expect(store.getMany).toHaveBeenCalledTimes(1);
    expect(store.getMany).toHaveBeenCalledWith(['a', 'b']);
    expect(get).not.toHaveBeenCalled();
    expect([...found.keys()]).toEqual(['a']);
  });

  it('rejects when the store fails', async () => {
    const store = new MemoryStore();
    jest.spyOn(store, 'get').mockImplementation((_sid, callback) => callback(new Error('down')));
    await expect(loadSessions(store, ['a'])).rejects.toThrow('down');
  });

  it('classifies the failure: an unreachable store is an outage, anything else stays itself', async () => {
    const store = new MemoryStore();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    jest
      .spyOn(store, 'get')
      .mockImplementationOnce((_sid, callback) => callback(refused))
      .mockImplementationOnce((_sid, callback) => callback(new TypeError('a bug')));
    await expect(loadSessions(store, ['a'])).rejects.toMatchObject({ store: 'redis', cause: refused });
    await expect(loadSessions(store, ['a'])).rejects.toThrow(TypeError);
  });
});
