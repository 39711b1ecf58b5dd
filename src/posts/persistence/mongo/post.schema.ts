import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import mongoose, { HydratedDocument, Types } from 'mongoose';
import { isLngLat } from '../../domain/coordinates';

/** Model name for forFeature / @InjectModel; the collection is named explicitly below. */
export const POST_MODEL = 'Post';

/** A GeoJSON Point, the only shape a 2dsphere index and $geoNear accept. */
@Schema({ _id: false })
export class GeoPointRecord {
  @Prop({ type: String, enum: ['Point'], required: true })
  type: 'Point';

  @Prop({
    type: [Number],
    required: true,
    // Without this an absent array defaults to [] and slips past `required`.
    default: undefined,
    validate: {
      validator: isLngLat,
      message: 'coordinates must be [lng, lat] with lng in [-180, 180] and lat in [-90, 90]',
    },
  })
  coordinates: [number, number];
}

export const GeoPointSchema = SchemaFactory.createForClass(GeoPointRecord);

@Schema({ timestamps: true, collection: 'posts' })
export class PostRecord {
  // mongoose.Schema.Types.ObjectId, not the bson class Types.ObjectId: @nestjs/mongoose reads the
  // latter as a nested schema and the path becomes Mixed, storing strings or operator objects as
  // they come (nestjs/mongoose#647). No index: no query filters or sorts by userId.
  @Prop({ type: mongoose.Schema.Types.ObjectId, required: true })
  userId: Types.ObjectId;

  @Prop({ type: String, required: true, minlength: 1, maxlength: 2000 })
  text: string;

  @Prop({ type: GeoPointSchema, required: true })
  location: GeoPointRecord;
}

export const PostSchema = SchemaFactory.createForClass(PostRecord);
PostSchema.index({ location: '2dsphere' });

export type PostRecordDocument = HydratedDocument<PostRecord>;

/** What `.lean()`, `.toObject()` and the $geoNear pipeline return for a post. */
export type PostLean = PostRecord & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
