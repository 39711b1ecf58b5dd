import { ListPostsQuery, NearQuery, NewPost, Post, PostPatch, PostWithDistance } from '../domain/post';

/**
 * The port PostsService depends on, bound to the Mongo or the memory adapter by
 * PostsPersistenceModule from DATA_STORE. Ids are 24-character hex strings; a
 * malformed id is the caller's problem (validated at the edge), never the adapter's.
 */
export abstract class PostRepository {
  abstract create(post: NewPost): Promise<Post>;
  abstract findById(id: string): Promise<Post | null>;
  /** Newest first (by id, which embeds creation time), strictly older than `before`. */
  abstract listNewest(query: ListPostsQuery): Promise<Post[]>;
  /** Nearest first, within `maxDistance` metres on MongoDB's sphere. */
  abstract findNear(query: NearQuery): Promise<PostWithDistance[]>;
  /** @returns the updated post, or null when it does not exist. */
  abstract update(id: string, patch: PostPatch): Promise<Post | null>;
  /** @returns false when it did not exist. */
  abstract delete(id: string): Promise<boolean>;
}
