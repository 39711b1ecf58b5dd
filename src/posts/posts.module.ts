import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema';
import { PostsPersistenceModule } from './persistence/posts-persistence.module';
import { PostsController } from './posts.controller';
import { PostsService } from './posts.service';

type DataStore = AppConfig['dataStore'];

/** The /posts routes. Import once, as `PostsModule.register(config.dataStore)`. */
@Module({})
export class PostsModule {
  static register(dataStore: DataStore): DynamicModule {
    return {
      module: PostsModule,
      imports: [PostsPersistenceModule.register(dataStore)],
      controllers: [PostsController],
      providers: [PostsService],
      exports: [PostsService],
    };
  }
}
