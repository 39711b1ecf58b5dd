import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model, PipelineStage, Types, UpdateQuery } from 'mongoose';
import { mongoCall } from '../../../database/mongo-errors';
import { isObjectIdHex } from '../../../database/object-id';
import { ListPostsQuery, NearQuery, NewPost, Post, PostPatch, PostWithDistance } from '../../domain/post';
import { PostRepository } from '../post.repository';
import { toPost, toPostWithDistance } from './post.mapper';
import { POST_MODEL, PostLean, PostRecord } from './post.schema';

/** Adapter of PostRepository on MongoDB; an outage comes out as StoreUnavailableError('mongo'). */
@Injectable()
export class MongoPostRepository extends PostRepository {
  constructor(@InjectModel(POST_MODEL) private readonly posts: Model<PostRecord>) {
    super();
  }

  async create(input: NewPost): Promise<Post> {
    const created = await mongoCall(() =>
      this.posts.create({
        userId: new Types.ObjectId(input.userId),
        text: input.text,
        location: { type: 'Point', coordinates: input.location.coordinates },
      }),
    );
    return toPost(created.toObject<PostLean>());
  }

  async findById(id: string): Promise<Post | null> {
    // Validated at the edge already; this keeps a stray caller from a CastError (500).
    if (!isObjectIdHex(id)) return null;
    const record = await mongoCall(() => this.posts.findById(id).lean<PostLean>().exec());
    return record ? toPost(record) : null;
  }

  async listNewest({ limit, before }: ListPostsQuery): Promise<Post[]> {
    const filter: FilterQuery<PostRecord> = before ? { _id: { $lt: new Types.ObjectId(before) } } : {};
    const records = await mongoCall(() =>
      this.posts.find(filter).sort({ _id: -1 }).limit(limit).lean<PostLean[]>().exec(),
    );
    return records.map(toPost);
  }

  async findNear(query: NearQuery): Promise<PostWithDistance[]> {
    const records = await mongoCall(() =>
      this.posts.aggregate<PostLean & { distance: number }>(nearPipeline(query)).exec(),
    );
    return records.map(toPostWithDistance);
  }

  async update(id: string, patch: PostPatch): Promise<Post | null> {
    if (!isObjectIdHex(id)) return null;
    const record = await mongoCall(() =>
      this.posts.findByIdAndUpdate(id, toUpdate(patch), { new: true, runValidators: true }).lean<PostLean>().exec(),
    );
    return record ? toPost(record) : null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isObjectIdHex(id)) return false;
    const result = await mongoCall(() => this.posts.deleteOne({ _id: id }).exec());
    return result.deletedCount === 1;
  }
}

/** Posts within `maxDistance` metres of a point, nearest first, each with its distance. */
export function nearPipeline({ lng, lat, maxDistance, limit }: NearQuery): PipelineStage[] {
  return [
    {
      $geoNear: {
        near: { type: 'Point', coordinates: [lng, lat] },
        // Named, so that a second geo index on the collection cannot make $geoNear ambiguous (an error).
        key: 'location',
        distanceField: 'distance',
        // With a GeoJSON `near`, distances and maxDistance are in metres.
        maxDistance,
        spherical: true,
      },
    },
    { $limit: limit },
  ];
}

/** Only the fields the patch names; an absent field must not be unset. */
function toUpdate(patch: PostPatch): UpdateQuery<PostRecord> {
  const $set: UpdateQuery<PostRecord>['$set'] = {};
  if (patch.text !== undefined) $set.text = patch.text;
  if (patch.location !== undefined) {
    $set.location = { type: 'Point', coordinates: patch.location.coordinates };
  }
  return { $set };
}
