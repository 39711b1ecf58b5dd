import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { AppConfig } from '../config/config.schema';

export type DatabaseConfig = Pick<AppConfig, 'dataStore' | 'sessionStore' | 'mongodbUri'>;

/**
 * Opens the one MongoDB connection when any store needs it. MongooseModule's core
 * module is global, so feature modules' forFeature() and @InjectConnection() see it.
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
    return {
      module: DatabaseModule,
      imports: [
        MongooseModule.forRoot(config.mongodbUri, {
          // Fail fast (and let /health say so) instead of the driver's 30 s default...
          serverSelectionTimeoutMS: 3000,
          // ...and do not queue operations for 10 s while disconnected: answer 503 instead.
          bufferCommands: false,
          // The unique email and 2dsphere indexes are what make the contract hold.
          autoIndex: true,
        }),
      ],
    };
  }
}
