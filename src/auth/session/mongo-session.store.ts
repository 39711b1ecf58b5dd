import MongoStore from 'connect-mongo';
import type { SessionData } from 'express-session';
import type { MongoClient } from 'mongodb';
import { createsRecord, sessionTtlSeconds } from './session-data';

export interface MongoSessionStoreOptions {
  /** Resolves once MongoDB is connected (MongoReadiness): no index is built before that. */
  clientPromise: Promise<MongoClient>;
  /** SESSION_IDLE_TTL and SESSION_ABSOLUTE_TTL, in seconds. */
  idleTtl: number;
  absoluteTtl: number;
  collectionName?: string;
}

type Callback = (error?: unknown) => void;

/** A stored session: express-session's fields, and its cookie as plain data. */
type StoredSession = Record<string, unknown>;

/**
 * connect-mongo 5.1 (SESSION_STORE=mongo) brought in line with the Redis store:
 *
 * - Ending a session wins over any request in flight on it. Only the login's write
 *   (`lastSeenAt === authenticatedAt`) may create a record (upsert); every later write, the
 *   keep-alive, is an update of a record that still exists and has not expired, atomically on
 *   the server, so it can never bring back a session that logout or an expiry removed.
 * - No touch: connect-mongo would write on every request (touchAfter 0) and hold the response
 *   for it; the keep-alive write already extends the deadline once per interval.
 * - The record expires (TTL index on `expires`) after the idle TTL capped by what is left of the
 *   absolute lifetime, not at the cookie's expiry, which ignores the absolute cap.
 * - Start-up awaits ready(): connect-mongo builds its TTL index in its constructor and nobody
 *   hears of a failure (an unhandled rejection, then every session call fails until a restart).
 * - getMany() reads several sessions in one query, for the session listing.
 */
export class MongoSessionStore extends MongoStore {
  private readonly idleTtl: number;
  private readonly absoluteTtl: number;

  constructor({ clientPromise, idleTtl, absoluteTtl, collectionName = 'sessions' }: MongoSessionStoreOptions) {
    super({
      clientPromise,
      collectionName,
      // Sessions as BSON subdocuments, not JSON strings.
      stringify: false,
      // A TTL index on `expires` deletes what expired; get() ignores it already before that.
      autoRemove: 'native',
      // Unused: set() below always computes `expires` itself.
      ttl: idleTtl,
    });
    this.idleTtl = idleTtl;
    this.absoluteTtl = absoluteTtl;
    // Awaited through ready() at start-up; until then a failure is not an unhandled rejection.
    this.collectionP.catch(() => undefined);
  }

  /** Resolves when the collection and its TTL index are ready; rejects with the reason otherwise. */
  async ready(): Promise<void> {
    await this.collectionP;
  }

  override set(sid: string, session: SessionData, callback: Callback = noop): void {
    this.write(sid, session).then(
      () => callback(null),
      (error: unknown) => callback(error),
    );
  }

  /** Nothing to do: the keep-alive's set() extends the deadline (see the class comment). */
  override touch(_sid: string, _session: SessionData, callback: Callback = noop): void {
    callback(null);
  }

  /** The live sessions among `sids`, in one query; a missing or expired one is absent from the map. */
  async getMany(sids: readonly string[]): Promise<Map<string, SessionData>> {
    const found = new Map<string, SessionData>();
    if (sids.length === 0) return found;
    const collection = await this.collectionP;
    const records = await collection
      .find({ _id: { $in: [...sids] }, expires: { $gt: new Date() } }, { projection: { session: 1 } })
      .toArray();
    for (const record of records) found.set(record._id, record.session as SessionData);
    return found;
  }

  private async write(sid: string, session: SessionData): Promise<void> {
    const now = Date.now();
    const ttl = sessionTtlSeconds(session, this.idleTtl, this.absoluteTtl, now);
    const fields = { session: serialize(session), expires: new Date(now + ttl * 1000) };
    const collection = await this.collectionP;
    if (createsRecord(session)) {
      await collection.updateOne({ _id: sid }, { $set: fields }, { upsert: true });
    } else {
      // Matches nothing once the session was ended (deleted) or expired: nothing is recreated.
      await collection.updateOne({ _id: sid, expires: { $gt: new Date(now) } }, { $set: fields }, { upsert: false });
    }
  }
}

/**
 * As connect-mongo's default serializer: the session's fields, its Cookie as plain data.
 * Generic: `for...in` over a type parameter types each key as a key of it, so reading
 * `session[key]` needs no index signature (SessionData, an interface, declares none).
 */
function serialize<Session extends SessionData>(session: Session): StoredSession {
  const stored: StoredSession = {};
  for (const key in session) {
    const value = session[key];
    stored[key] = key === 'cookie' ? toPlainCookie(value) : value;
  }
  return stored;
}

function toPlainCookie(cookie: unknown): unknown {
  const withJson = cookie as { toJSON?: () => unknown } | null | undefined;
  return typeof withJson?.toJSON === 'function' ? withJson.toJSON() : cookie;
}

function noop(): void {}
