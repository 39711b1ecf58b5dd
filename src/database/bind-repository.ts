import { DynamicModule, Type } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { Schema } from 'mongoose';
import type { AppConfig } from '../config/config.schema';

export interface RepositoryAdapters {
  /** The port: an abstract class used as the DI token. */
  port: abstract new (...args: never[]) => unknown;
  mongo: { adapter: Type; model: string; schema: Schema };
  memory: Type;
}

/**
 * A persistence module binding a repository port to the adapter DATA_STORE names. Global,
 * and imported once (by AppModule.forRoot): every feature module that needs the port sees
 * the one store, and each application has its own.
 */
export function bindRepository(
  module: Type,
  dataStore: AppConfig['dataStore'],
  adapters: RepositoryAdapters,
): DynamicModule {
  const mongo = dataStore === 'mongo';
  return {
    module,
    global: true,
    imports: mongo ? [MongooseModule.forFeature([{ name: adapters.mongo.model, schema: adapters.mongo.schema }])] : [],
    providers: [{ provide: adapters.port, useClass: mongo ? adapters.mongo.adapter : adapters.memory }],
    exports: [adapters.port],
  };
}
