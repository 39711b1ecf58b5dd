import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/** Model name for forFeature / @InjectModel; the collection is named explicitly below. */
export const USER_MODEL = 'User';

@Schema({ timestamps: true, collection: 'users' })
export class UserRecord {
  // lowercase + trim here too, so no write path can store a second spelling.
  @Prop({ type: String, required: true, unique: true, lowercase: true, trim: true })
  email: string;

  @Prop({ type: String, required: true })
  passwordHash: string;

  @Prop({ type: String, default: null })
  name: string | null;
}

export const UserSchema = SchemaFactory.createForClass(UserRecord);

export type UserRecordDocument = HydratedDocument<UserRecord>;

/** What `.lean()` and `.toObject()` return for a user. */
export type UserLean = UserRecord & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
