import { Post, PostWithDistance } from '../../domain/post';
import { PostLean } from './post.schema';

/** The one place a post's `_id` and `userId` become the domain's string ids. */
export function toPost(record: PostLean): Post {
  return {
    id: record._id.toString(),
    userId: record.userId.toString(),
    text: record.text,
    location: {
      type: 'Point',
      coordinates: [record.location.coordinates[0], record.location.coordinates[1]],
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function toPostWithDistance(record: PostLean & { distance: number }): PostWithDistance {
  return { ...toPost(record), distance: record.distance };
}
