import type { SessionData, Store } from 'express-session';

/** A session store that can read several sessions at once (MongoSessionStore). */
export interface BatchSessionStore {
  getMany(sids: readonly string[]): Promise<Map<string, SessionData>>;
}

function readsMany(store: Store): store is Store & BatchSessionStore {
  return typeof (store as Partial<BatchSessionStore>).getMany === 'function';
}

/**
 * The live sessions among `sids`: one query where the store can (MongoDB's find with $in),
 * else one get() each. A session that is missing or expired is absent from the map; a store
 * failure rejects.
 */
export async function loadSessions(store: Store, sids: readonly string[]): Promise<Map<string, SessionData>> {
  if (readsMany(store)) return store.getMany(sids);
  const found = new Map<string, SessionData>();
  for (const sid of sids) {
    const session = await new Promise<SessionData | null | undefined>((resolve, reject) =>
      store.get(sid, (error: unknown, loaded?: SessionData | null) =>
        error ? reject(asError(error)) : resolve(loaded),
      ),
    );
    if (session) found.set(sid, session);
  }
  return found;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
