import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { DEFAULT_ROLES, Role, ROLES } from '../../domain/user';

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

  // Accounts stored before roles existed have none: the mapper reads them as DEFAULT_ROLES.
  @Prop({ type: [String], enum: ROLES, default: () => [...DEFAULT_ROLES] })
  roles: Role[];

  @Prop({ type: Date, default: null })
  lockedAt: Date | null;
}

export const UserSchema = SchemaFactory.createForClass(UserRecord);

export type UserRecordDocument = HydratedDocument<UserRecord>;

/** What `.lean()` and `.toObject()` return for a user. */
export type UserLean = Omit<UserRecord, 'roles' | 'lockedAt'> & {
  roles?: Role[];
  lockedAt?: Date | null;
} & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
