import { DynamicModule, Type } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { Schema } from 'mongoose';
import type { AppConfig } from '../config/config.schema';

type DataStore = AppConfig['dataStore'];

export interface RepositoryAdapters {
  /** The port: an abstract class used as the DI token. */
  port: abstract new (...args: never[]) => unknown;
  mongo: { adapter: Type; model: string; schema: Schema };
  memory: Type;
}

const registered = new Map<Type, Map<DataStore, DynamicModule>>();

/**
 * A persistence module binding a repository port to the adapter DATA_STORE names. One
 * module object per module and store: importing it twice shares one memory store.
 */
export function bindRepository(module: Type, dataStore: DataStore, adapters: RepositoryAdapters): DynamicModule {
  const byStore = registered.get(module) ?? new Map<DataStore, DynamicModule>();
  registered.set(module, byStore);
  let bound = byStore.get(dataStore);
  if (!bound) {
    const mongo = dataStore === 'mongo';
    bound = {
      module,
      imports: mongo
        ? [MongooseModule.forFeature([{ name: adapters.mongo.model, schema: adapters.mongo.schema }])]
        : [],
      providers: [{ provide: adapters.port, useClass: mongo ? adapters.mongo.adapter : adapters.memory }],
      exports: [adapters.port],
    };
    byStore.set(dataStore, bound);
  }
  return bound;
}
