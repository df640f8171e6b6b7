// User shapes: newsroom accounts that log in. The password hash never leaves the service.
import Type, { type Static } from 'typebox';
import { listParams } from '../../http/list.js';
import { Timestamp, Uuid } from '../../http/schemas.js';
import { ROLES } from '../tokens/service.js';

export const UserRole = Type.Enum([...ROLES], {
  description:
    'admin: everything (users, tokens, settings, webhooks). editor: edit and publish any article. ' +
    'author: create and edit own articles, publish own if the site allows. contributor: own drafts only.',
});

const Email = Type.String({ format: 'email', maxLength: 254, description: 'Stored lower-case; unique.' });
const DisplayName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
const Password = (description = 'At least 12 characters. Stored only as an argon2id hash.') =>
  Type.String({ minLength: 12, maxLength: 256, description });
const AuthorLink = Type.Union([Uuid, Type.Null()], {
  description: 'The author profile (byline) that makes an article this user\'s own; one user per author.',
});

const example = {
  id: '0198a1b2-0000-7000-8000-0000000000b1',
  email: 'lan.nguyen@example.com',
  displayName: 'Lan Nguyen',
  role: 'author',
  active: true,
  authorId: '0198a1b2-0000-7000-8000-0000000000c1',
  createdAt: '2025-08-14T12:02:00.000Z',
  updatedAt: '2025-08-14T12:02:00.000Z',
};

export const User = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    displayName: Type.String(),
    role: UserRole,
    active: Type.Boolean({ description: 'An inactive user cannot log in, and their sessions stop working at once.' }),
    authorId: AuthorLink,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'User', examples: [example] },
);
export type User = Static<typeof User>;

export const UserCreate = Type.Object(
  {
    email: Email,
    displayName: DisplayName,
    role: UserRole,
    password: Password(),
    authorId: Type.Optional(AuthorLink),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  {
    $id: 'UserCreate',
    additionalProperties: false,
    examples: [{ email: 'lan.nguyen@example.com', displayName: 'Lan Nguyen', role: 'author', password: 'correct horse battery', authorId: example.authorId }],
  },
);
export type UserCreate = Static<typeof UserCreate>;

export const UserUpdate = Type.Object(
  {
    email: Type.Optional(Email),
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(UserRole),
    password: Type.Optional(Password('A new password (at least 12 characters): every session of the user ends, so they log in again.')),
    authorId: Type.Optional(AuthorLink),
    active: Type.Optional(Type.Boolean({ description: 'false deactivates: no login, and every session ends at once.' })),
  },
  {
    $id: 'UserUpdate',
    additionalProperties: false,
    minProperties: 1,
    examples: [{ role: 'editor' }, { active: false }, { password: 'a new long passphrase' }],
  },
);
export type UserUpdate = Static<typeof UserUpdate>;

export const USER_SORTS = ['email', 'displayName', 'createdAt'];

export const UserListQuery = Type.Object(
  {
    'filter[role]': Type.Optional(UserRole),
    'filter[active]': Type.Optional(Type.Boolean()),
    'filter[email][contains]': Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'Case-insensitive substring of the email.' })),
    ...listParams(USER_SORTS, 'email'),
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const userSchemas = [User, UserCreate, UserUpdate];
