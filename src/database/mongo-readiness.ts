import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { MongoServerError, type ServerHeartbeatFailedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { StartupFailedError } from '../common/startup-failed.error';
import { displayMongoUri, withoutCredentials } from './mongo-uri';

/** DI token of what start-up needs to know: the URI (for messages) and how long to wait. */
export const MONGO_STARTUP = Symbol('MONGO_STARTUP');

export interface MongoStartupOptions {
  uri: string;
  /** MONGODB_CONNECT_TIMEOUT, in seconds. */
  connectTimeoutSeconds: number;
}

interface StartupTask {
  /** What is being made ready, for the one line that says it failed. */
  what: string;
  run: () => Promise<void>;
}

/**
 * MongoDB is ready before the service listens: connected within MONGODB_CONNECT_TIMEOUT, then
 * every model's indexes built (the unique email and the 2dsphere index the contract stands on), and
 * whatever else registered with afterConnect() (the session store's TTL index). Anything that
 * fails is one line in the log and a refused start-up, never a service running without its
 * indexes (Mongoose alone would only emit an `index` event nobody hears) or answering
 * IndexNotFound as a 500 on its first boot.
 */
@Injectable()
export class MongoReadiness implements OnModuleInit {
  private readonly logger = new Logger('MongoDB');
  private readonly tasks: StartupTask[] = [];
  private lastHeartbeatFailure?: Error;
  /** Resolves once connected; rejects with the reason, within the connect timeout. */
  readonly connected: Promise<Connection>;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(MONGO_STARTUP) private readonly options: MongoStartupOptions,
    // Nest buffers its log lines until the server listens (bufferLogs), and a start-up that fails
    // never gets there: the one line that says why goes to pino directly. Absent in tests without
    // LoggingModule, where Nest's Logger does.
    @Optional() private readonly pino?: PinoLogger,
  ) {
    this.pino?.setContext('MongoDB');
    // The driver keeps retrying a server that refuses or does not answer; its heartbeat failures
    // say why, which is the reason to print when the timeout ends the wait.
    connection.getClient()?.on('serverHeartbeatFailed', (event: ServerHeartbeatFailedEvent) => {
      this.lastHeartbeatFailure = event.failure;
    });
    this.connected = this.connectWithin(options.connectTimeoutSeconds * 1000);
    // Awaited in onModuleInit; until then a failure must not count as an unhandled rejection.
    // Outages are reported from the first connection on: a failed start-up is its own one line.
    this.connected.then(
      () => this.reportOutages(),
      () => undefined,
    );
  }

  /** Work that start-up must finish once connected, in registration order (after the models' indexes). */
  afterConnect(what: string, run: () => Promise<void>): void {
    this.tasks.push({ what, run });
  }

  async onModuleInit(): Promise<void> {
    const where = displayMongoUri(this.options.uri);
    await this.step(`MongoDB unreachable at ${where}`, () => this.connected);
    // Mongoose's own autoIndex/autoCreate are off (DatabaseModule): they would run while the
    // connection is still being opened. createIndexes() builds every index the schema declares
    // (creating the collection if need be), reports the first failure, and drops nothing.
    for (const model of Object.values(this.connection.models)) {
      await this.step(`MongoDB indexes of ${model.collection.collectionName} could not be built`, () =>
        model.createIndexes(),
      );
    }
    for (const task of this.tasks) {
      await this.step(`MongoDB ${task.what} is not ready`, task.run);
    }
  }

  /** Runs one start-up step; a failure becomes one fatal log line and a StartupFailedError. */
  private async step(failure: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const line = `${failure}: ${withoutCredentials(reasonOf(error), this.options.uri)}`;
      if (this.pino) this.pino.fatal(line);
      else this.logger.fatal(line);
      throw new StartupFailedError(line, { cause: error });
    }
  }

  private connectWithin(timeoutMs: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const reason = this.lastHeartbeatFailure ? reasonOf(this.lastHeartbeatFailure) : 'no answer';
        reject(new Error(`${reason} (gave up after ${timeoutMs / 1000} s, MONGODB_CONNECT_TIMEOUT)`));
      }, timeoutMs);
      this.connection.asPromise().then(
        (connection) => {
          clearTimeout(timer);
          resolve(connection);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** One line when MongoDB goes away and one when it is back, not one per heartbeat. */
  private reportOutages(): void {
    let down = false;
    this.connection.on('disconnected', () => {
      if (!down) this.logger.warn('MongoDB unreachable: requests that need it answer 503 until it is back');
      down = true;
    });
    this.connection.on('reconnected', () => {
      if (down) this.logger.log('MongoDB is back');
      down = false;
    });
  }
}

/**
 * A reason fit for a log line. A duplicate key names the index's fields, not the duplicated value
 * (an email is personal data); other server errors keep their code name and message.
 */
function reasonOf(error: unknown): string {
  if (error instanceof MongoServerError) {
    const code = `${error.codeName ?? 'MongoServerError'} (${String(error.code)})`;
    if (error.code === 11000) {
      const fields = Object.keys((error.keyPattern as Record<string, unknown> | undefined) ?? {}).join(', ');
      return `${code}: existing documents share a value of ${fields || 'a unique index'}`;
    }
    return `${code}: ${error.errmsg ?? error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
