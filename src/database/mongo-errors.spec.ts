import {
  MongoAPIError,
  MongoClientClosedError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  TopologyDescription,
} from 'mongodb';
import mongoose from 'mongoose';
import { StoreUnavailableError } from '../common/store-unavailable.error';
import { asStoreError, isMongoUnavailable, mongoCall } from './mongo-errors';

/*
 * The driver's own error classes, built as the driver builds them: no mongod can run on the CI
 * machines, so the outage cannot be caused for real here. Two classes the package does not export
 * come from the module that defines them, exactly as the driver raises them.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cmap = require('mongodb/lib/cmap/errors') as {
  PoolClearedError: new (pool: { address: string; serverGeneration?: number }) => Error;
  PoolClearedOnNetworkError: new (pool: { address: string }) => Error;
  WaitQueueTimeoutError: new (message: string, address: string) => Error;
};

const pool = { address: '127.0.0.1:27017', serverGeneration: 1 };

/** A caller mistake (a MongoAPIError, as the closed-client errors are) that merely bears one's name. */
class NamedLikeClientClosed extends MongoAPIError {
  override get name(): string {
    return 'MongoClientClosedError';
  }
}

describe('isMongoUnavailable', () => {
  it.each<[string, Error]>([
    ['MongoNetworkError', new MongoNetworkError('connection reset')],
    ['MongoNetworkTimeoutError', new MongoNetworkTimeoutError('socket timed out')],
    ['MongoServerSelectionError', new MongoServerSelectionError('no primary', {} as TopologyDescription)],
    ['MongoPoolClearedError', new cmap.PoolClearedError(pool)],
    ['PoolClearedOnNetworkError', new cmap.PoolClearedOnNetworkError(pool)],
    ['MongoWaitQueueTimeoutError', new cmap.WaitQueueTimeoutError('wait queue timed out', pool.address)],
    ['MongoClientClosedError', new MongoClientClosedError()],
    ['MongoServerClosedError', new MongoServerClosedError()],
    ['MongoTopologyClosedError', new MongoTopologyClosedError()],
    ['MongoNotConnectedError', new MongoNotConnectedError('not connected')],
    ['MongoOperationTimeoutError', new MongoOperationTimeoutError('timed out')],
    ['MongooseServerSelectionError', new mongoose.Error.MongooseServerSelectionError('no server')],
    ['NotWritablePrimary (10107)', new MongoServerError({ code: 10107, errmsg: 'not primary' })],
    ['PrimarySteppedDown (189)', new MongoServerError({ code: 189, errmsg: 'stepped down' })],
    ['InterruptedDueToReplStateChange (11602)', new MongoServerError({ code: 11602, errmsg: 'repl state change' })],
    ['ShutdownInProgress (91)', new MongoServerError({ code: 91, errmsg: 'shutting down' })],
  ])('%s is an outage', (_name, error) => {
    expect(isMongoUnavailable(error)).toBe(true);
  });

  it('counts a server error labelled retryable as an outage', () => {
    const error = new MongoServerError({ code: 1, errmsg: 'x', errorLabels: ['RetryableWriteError'] });
    expect(isMongoUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a duplicate key (11000)', new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' })],
    ['a missing index (27, IndexNotFound)', new MongoServerError({ code: 27, errmsg: 'no geo index' })],
    ['a caller mistake', new MongoInvalidArgumentError('bad argument')],
    ['a cast error', new mongoose.Error.CastError('ObjectId', 'x', '_id')],
    ['a validation error', new mongoose.Error.ValidationError()],
    ['a plain Error', new Error('connect ECONNREFUSED 127.0.0.1:27017')],
    // Class, not name: a look-alike is not trusted.
    ['an Error merely named MongoNetworkError', Object.assign(new Error('x'), { name: 'MongoNetworkError' })],
    ['a MongoAPIError merely named MongoClientClosedError', new NamedLikeClientClosed('x')],
    ['a string', 'MongoNetworkError'],
    ['undefined', undefined],
  ])('%s is not an outage', (_name, error) => {
    expect(isMongoUnavailable(error)).toBe(false);
  });

  it("counts Mongoose's buffering timeout (bufferCommands: true only) as an outage", () => {
    expect(
      isMongoUnavailable(new mongoose.Error('Operation `users.findOne()` buffering timed out after 10000ms')),
    ).toBe(true);
  });
});

describe('asStoreError and mongoCall', () => {
  it('turn an outage into StoreUnavailableError("mongo") with the driver error as its cause', async () => {
    const outage = new MongoNetworkError('connection reset');
    const mapped = asStoreError(outage);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped).toMatchObject({ store: 'mongo', message: 'mongo is unavailable', cause: outage });
    await expect(mongoCall(() => Promise.reject(outage))).rejects.toMatchObject({ store: 'mongo', cause: outage });
  });

  it('leave every other error as it is, and pass results through', async () => {
    const duplicate = new MongoServerError({ code: 11000, errmsg: 'E11000' });
    expect(asStoreError(duplicate)).toBe(duplicate);
    await expect(mongoCall(() => Promise.reject(duplicate))).rejects.toBe(duplicate);
    await expect(mongoCall(() => Promise.resolve(42))).resolves.toBe(42);
  });
});
