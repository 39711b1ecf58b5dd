import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { ConnectOptions } from 'mongoose';
import type { AppConfig } from '../config/config.schema';
import { MONGO_STARTUP, MongoReadiness, MongoStartupOptions } from './mongo-readiness';

export type DatabaseConfig = Pick<AppConfig, 'dataStore' | 'sessionStore' | 'mongodbUri' | 'mongodbConnectTimeout'>;

/**
 * How long the driver may look for a server before an operation fails (503). Longer than a
 * typical replica-set election (its median stays under 12 s), so a failover costs latency, not
 * errors; a MongoDB that is really gone answers 503 after this long.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 15_000;
/** No reply on an open socket for this long (a network partition) fails the operation instead of hanging it. */
export const SOCKET_TIMEOUT_MS = 20_000;
/** Opening a TCP/TLS connection, heartbeats included: a host that drops packets is noticed this soon. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * What Mongoose receives for the one connection (the MongooseModule.forRoot options less its own
 * `lazyConnection`). Exported so that a spec opens a real connection with exactly these.
 */
export const MONGOOSE_CONNECTION_OPTIONS = {
  serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
  socketTimeoutMS: SOCKET_TIMEOUT_MS,
  connectTimeoutMS: CONNECT_TIMEOUT_MS,
  // Do not queue operations while disconnected: the driver's server selection bounds them.
  bufferCommands: false,
  // Mongoose would create each collection and build its indexes the moment the model is defined,
  // which is while the lazy connection is still connecting. Without buffering it does not wait:
  // createCollection() runs on a `db` that does not exist yet (a TypeError), and init() keeps that
  // rejection for good. MongoReadiness builds the indexes instead, once connected, before the
  // service listens.
  autoIndex: false,
  autoCreate: false,
} as const satisfies ConnectOptions;

/**
 * Opens the one MongoDB connection when any store needs it. MongooseModule's core module is
 * global, so feature modules' forFeature() and @InjectConnection() see it. The connection is
 * opened lazily and MongoReadiness awaits it (bounded by MONGODB_CONNECT_TIMEOUT), then builds
 * every model's indexes, before the service listens: start-up fails with one line, not with
 * @nestjs/mongoose's nine retries and a stack dump.
 */
@Module({})
export class DatabaseModule {
  static register(config: DatabaseConfig): DynamicModule {
    if (config.dataStore !== 'mongo' && config.sessionStore !== 'mongo') {
      return { module: DatabaseModule };
    }
    if (!config.mongodbUri) {
      // The config schema already refuses this; a direct caller gets the same message.
      throw new Error('MONGODB_URI is required when DATA_STORE or SESSION_STORE is mongo');
    }
    const startup: MongoStartupOptions = {
      uri: config.mongodbUri,
      connectTimeoutSeconds: config.mongodbConnectTimeout,
    };
    return {
      module: DatabaseModule,
      // MongoReadiness is for the session store too (AuthModule registers its TTL index with it).
      global: true,
      imports: [
        MongooseModule.forRoot(config.mongodbUri, {
          // Returned at once, connecting in the background: MongoReadiness bounds and reports the wait.
          lazyConnection: true,
          ...MONGOOSE_CONNECTION_OPTIONS,
        }),
      ],
      providers: [{ provide: MONGO_STARTUP, useValue: startup }, MongoReadiness],
      exports: [MongoReadiness],
    };
  }
}
