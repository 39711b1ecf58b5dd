import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { DEFAULT_ROLES, Role, ROLES } from '../../domain/user';

/** One provider account linked to the user; no _id: it is a value, found by (issuer, subject). */
@Schema({ _id: false })
export class IdentityRecord {
  @Prop({ type: String, required: true })
  issuer: string;

  @Prop({ type: String, required: true })
  subject: string;
}

const IdentitySchema = SchemaFactory.createForClass(IdentityRecord);

/** Model name for forFeature / @InjectModel; the collection is named explicitly below. */
export const USER_MODEL = 'User';

@Schema({ timestamps: true, collection: 'users' })
export class UserRecord {
  // lowercase + trim here too, so no write path can store a second spelling.
  @Prop({ type: String, required: true, unique: true, lowercase: true, trim: true })
  email: string;

  // null: an account created by single sign-on, which has no password (required would refuse null).
  @Prop({ type: String, default: null })
  passwordHash: string | null;

  @Prop({ type: [IdentitySchema], default: [] })
  identities: IdentityRecord[];

  @Prop({ type: String, default: null })
  name: string | null;

  // Accounts stored before roles existed have none: the mapper reads them as DEFAULT_ROLES.
  @Prop({ type: [String], enum: ROLES, default: () => [...DEFAULT_ROLES] })
  roles: Role[];

  @Prop({ type: Date, default: null })
  lockedAt: Date | null;
}

export const UserSchema = SchemaFactory.createForClass(UserRecord);

/**
 * A provider account logs in as one user at most. Partial: users without any identity (an
 * empty array is indexed as null) must not collide with each other.
 */
UserSchema.index(
  { 'identities.issuer': 1, 'identities.subject': 1 },
  { unique: true, partialFilterExpression: { 'identities.issuer': { $exists: true } } },
);

export type UserRecordDocument = HydratedDocument<UserRecord>;

/** What `.lean()` and `.toObject()` return for a user. */
export type UserLean = Omit<UserRecord, 'roles' | 'lockedAt'> & {
  roles?: Role[];
  lockedAt?: Date | null;
} & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
