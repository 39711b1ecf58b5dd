import { MongoServerError, type Collection, type Document } from 'mongodb';

/** The retention index's name, so that it can be found and adjusted. */
export const AUDIT_TTL_INDEX = 'at_ttl';
/** The server's answer to createIndex for an index that exists with other options. */
const INDEX_OPTIONS_CONFLICT = 85;

/**
 * The TTL index on `at` that drops events after AUDIT_RETENTION_DAYS. When it exists with
 * another lifetime (the setting changed), it is changed in place with collMod: dropping and
 * rebuilding it would leave a window without retention, and refusing to start would make the
 * setting impossible to change.
 */
export async function ensureTtlIndex(collection: Collection<Document>, expireAfterSeconds: number): Promise<void> {
  try {
    await collection.createIndex({ at: 1 }, { name: AUDIT_TTL_INDEX, expireAfterSeconds });
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === INDEX_OPTIONS_CONFLICT)) throw error;
    await collection.db.command({
      collMod: collection.collectionName,
      index: { keyPattern: { at: 1 }, expireAfterSeconds },
    });
  }
}
