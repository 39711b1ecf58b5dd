import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema';
import { bindRepository } from '../../database/bind-repository';
import { MemoryPostRepository } from './memory/memory-post.repository';
import { MongoPostRepository } from './mongo/mongo-post.repository';
import { POST_MODEL, PostSchema } from './mongo/post.schema';
import { PostRepository } from './post.repository';

/** Binds the PostRepository port to the adapter DATA_STORE names. */
@Module({})
export class PostsPersistenceModule {
  static register(dataStore: AppConfig['dataStore']): DynamicModule {
    return bindRepository(PostsPersistenceModule, dataStore, {
      port: PostRepository,
      mongo: { adapter: MongoPostRepository, model: POST_MODEL, schema: PostSchema },
      memory: MemoryPostRepository,
    });
  }
}
