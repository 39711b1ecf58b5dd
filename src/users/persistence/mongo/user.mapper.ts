import { DEFAULT_ROLES, normalizeRoles, User } from '../../domain/user';
import { UserLean } from './user.schema';

/** The one place a user's `_id` becomes the domain's string id. */
export function toUser(record: UserLean): User {
  return {
    id: record._id.toString(),
    email: record.email,
    name: record.name ?? null,
    passwordHash: record.passwordHash ?? null,
    identities: (record.identities ?? []).map(({ issuer, subject }) => ({ issuer, subject })),
    roles: normalizeRoles(record.roles ?? DEFAULT_ROLES),
    lockedAt: record.lockedAt ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
