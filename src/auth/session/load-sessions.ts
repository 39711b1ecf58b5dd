import type { SessionData, Store } from 'express-session';
import { asSessionStoreError } from './store-call';

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
 * failure rejects, classified (asSessionStoreError).
 */
export async function loadSessions(store: Store, sids: readonly string[]): Promise<Map<string, SessionData>> {
  if (readsMany(store)) {
    try {
      return await store.getMany(sids);
    } catch (error) {
      throw asSessionStoreError(error);
    }
  }
  const found = new Map<string, SessionData>();
  for (const sid of sids) {
    const session = await new Promise<SessionData | null | undefined>((resolve, reject) =>
      store.get(sid, (error: unknown, loaded?: SessionData | null) =>
        error ? reject(asSessionStoreError(error)) : resolve(loaded),
      ),
    );
    if (session) found.set(sid, session);
  }
  return found;
}
