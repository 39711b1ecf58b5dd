import {
  MongoClientClosedError,
  MongoDriverError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import mongoose from 'mongoose';
import { StoreUnavailableError } from '../common/store-unavailable.error';

/**
 * Driver classes that mean "no server could serve this now". MongoNetworkError covers its
 * subclasses MongoNetworkTimeoutError, MongoPoolClearedError and PoolClearedOnNetworkError. The
 * last four are raised when the client or the topology is closed or was never connected: they
 * share their base class, MongoAPIError, with caller mistakes, so each is listed by its own class.
 */
const UNREACHABLE: ReadonlyArray<abstract new (...args: never[]) => Error> = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoOperationTimeoutError,
  mongoose.Error.MongooseServerSelectionError,
  MongoNotConnectedError,
  MongoTopologyClosedError,
  MongoClientClosedError,
  MongoServerClosedError,
];

/**
 * Server answers that only say "not now" (a primary stepping down, a node shutting down or
 * recovering): the same codes the driver retries on. Reads do not get the RetryableWriteError
 * label, so the codes are listed too.
 */
const TRANSIENT_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * True when `error` says MongoDB could not be reached or could not serve the operation now:
 * an outage to answer with 503, not a bug. Decided by class, never by message text, except
 * for a driver class the package does not export (checked by name on its exported base class)
 * and Mongoose's buffering timeout, which has no class of its own.
 */
export function isMongoUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNREACHABLE.some((type) => error instanceof type)) return true;
  // WaitQueueTimeoutError: every pooled connection busy past the wait-queue timeout.
  if (error instanceof MongoDriverError && error.name === 'MongoWaitQueueTimeoutError') return true;
  if (error instanceof MongoServerError && typeof error.code === 'number' && TRANSIENT_SERVER_CODES.has(error.code)) {
    return true;
  }
  if (error instanceof MongoError && error.hasErrorLabel(MongoErrorLabel.RetryableWriteError)) return true;
  // Only reachable with bufferCommands: true (this service turns it off).
  return error instanceof mongoose.Error && /buffering timed out/.test(error.message);
}

/** The error an adapter should throw for `error`: a StoreUnavailableError for an outage, else `error` itself. */
export function asStoreError(error: unknown): unknown {
  return isMongoUnavailable(error) ? new StoreUnavailableError('mongo', { cause: error }) : error;
}

/** Runs one adapter operation; an outage comes out as StoreUnavailableError('mongo'). */
export async function mongoCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw asStoreError(error);
  }
}
