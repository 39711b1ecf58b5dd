import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { AppConfig } from '../../config/config.schema';
import { MemoryPostRepository } from './memory/memory-post.repository';
import { MongoPostRepository } from './mongo/mongo-post.repository';
import { POST_MODEL, PostSchema } from './mongo/post.schema';
import { PostRepository } from './post.repository';

type DataStore = AppConfig['dataStore'];

/** Binds the PostRepository port to the adapter DATA_STORE names. */
@Module({})
export class PostsPersistenceModule {
  // One module object per store: importing it twice must not create two memory stores.
  private static readonly registered = new Map<DataStore, DynamicModule>();

  static register(dataStore: DataStore): DynamicModule {
    let module = this.registered.get(dataStore);
    if (!module) {
      module = dataStore === 'mongo' ? mongo() : memory();
      this.registered.set(dataStore, module);
    }
    return module;
  }
}

function mongo(): DynamicModule {
  return {
    module: PostsPersistenceModule,
    imports: [MongooseModule.forFeature([{ name: POST_MODEL, schema: PostSchema }])],
    providers: [{ provide: PostRepository, useClass: MongoPostRepository }],
    exports: [PostRepository],
  };
}

function memory(): DynamicModule {
  return {
    module: PostsPersistenceModule,
    providers: [{ provide: PostRepository, useClass: MemoryPostRepository }],
    exports: [PostRepository],
  };
}
