import { Injectable } from '@nestjs/common';
import { ObjectId } from 'bson';
import { GeoPoint, ListPostsQuery, NearQuery, NewPost, Post, PostPatch, PostWithDistance } from '../../domain/post';
import { PostRepository } from '../post.repository';
import { greatCircleDistance } from './great-circle';

/**
 * Process-local store for development and tests; behaves like the Mongo adapter.
 * Methods are not `async` because nothing here awaits (eslint's require-await).
 */
@Injectable()
export class MemoryPostRepository extends PostRepository {
  private readonly byId = new Map<string, Post>();

  create(input: NewPost): Promise<Post> {
    const now = new Date();
    const post: Post = {
      id: new ObjectId().toHexString(),
      userId: input.userId.toLowerCase(),
      text: input.text,
      location: point(input.location),
      createdAt: now,
      updatedAt: now,
    };
    this.byId.set(post.id, post);
    return Promise.resolve(copy(post));
  }

  findById(id: string): Promise<Post | null> {
    // Lower-cased because Mongo accepts upper-case hex for the same ObjectId.
    const post = this.byId.get(id.toLowerCase());
    return Promise.resolve(post ? copy(post) : null);
  }

  listNewest({ limit, before }: ListPostsQuery): Promise<Post[]> {
    // Fixed-length lower-case hex compares as strings the way ObjectIds compare.
    const cursor = before?.toLowerCase();
    const page = this.newestFirst()
      .filter((post) => cursor === undefined || post.id < cursor)
      .slice(0, limit);
    return Promise.resolve(page.map(copy));
  }

  findNear({ lng, lat, maxDistance, limit }: NearQuery): Promise<PostWithDistance[]> {
    // Filter before sorting: the sort (ties broken by id) then only sees the posts in range.
    const near = [...this.byId.values()]
      .map((post) => ({ post, distance: greatCircleDistance([lng, lat], post.location.coordinates) }))
      .filter(({ distance }) => distance <= maxDistance)
      .sort((a, b) => a.distance - b.distance || compareIdsDescending(a.post, b.post))
      .slice(0, limit);
    return Promise.resolve(near.map(({ post, distance }) => ({ ...copy(post), distance })));
  }

  update(id: string, patch: PostPatch): Promise<Post | null> {
    const post = this.byId.get(id.toLowerCase());
    if (!post) return Promise.resolve(null);
    if (patch.text !== undefined) post.text = patch.text;
    if (patch.location !== undefined) post.location = point(patch.location);
    post.updatedAt = new Date();
    return Promise.resolve(copy(post));
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.byId.delete(id.toLowerCase()));
  }

  private newestFirst(): Post[] {
    return [...this.byId.values()].sort(compareIdsDescending);
  }
}

function compareIdsDescending(a: Post, b: Post): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

/** Keeps only the GeoJSON fields, whatever object (a DTO, say) came in. */
function point(location: GeoPoint): GeoPoint {
  return { type: 'Point', coordinates: [location.coordinates[0], location.coordinates[1]] };
}

/** Callers get copies, so mutating a returned object never changes the store. */
function copy(post: Post): Post {
  return {
    ...post,
    location: point(post.location),
    createdAt: new Date(post.createdAt),
    updatedAt: new Date(post.updatedAt),
  };
}
