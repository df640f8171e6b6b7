// Author shapes: the public profile, the private one (with email) for authenticated callers, and inputs.
import Type, { type Static } from 'typebox';
import { listParams, ListValue } from '../../http/list.js';
import { HttpUrl, LocaleCode, Localized, Slug, Timestamp, Uuid } from '../../http/schemas.js';

const Name = Type.String({ minLength: 1, maxLength: 200, description: 'The byline name, as printed.' });
const Email = Type.String({ format: 'email', maxLength: 254 });

const example = {
  id: '0198a1b2-0000-7000-8000-000000000020',
  slug: 'mai-nguyen',
  name: 'Mai Nguyen',
  bio: 'Covers energy and climate from Hanoi.',
  bios: { en: 'Covers energy and climate from Hanoi.', vi: 'Phóng viên năng lượng và khí hậu tại Hà Nội.' },
  avatarUrl: 'https://cdn.example.com/authors/mai-nguyen.jpg',
  createdAt: '2025-08-14T12:02:00.000Z',
  updatedAt: '2025-08-14T12:02:00.000Z',
};

/** What anyone may read. It has no email field, so an email cannot be serialized through it. */
export const Author = Type.Object(
  {
    id: Uuid,
    slug: Slug,
    name: Name,
    bio: Type.String({ description: 'Bio in the requested locale (or the site default); empty when none.' }),
    bios: Localized(2000, 'Bio per locale.'),
    avatarUrl: Type.Union([HttpUrl, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Author', description: 'An author as anonymous readers see it.', examples: [example] },
);
export type Author = Static<typeof Author>;

export const AuthorPrivate = Type.Object(
  {
    ...Author.properties,
    email: Type.Union([Email, Type.Null()], { description: 'Contact address for the newsroom; never sent to anonymous callers.' }),
  },
  {
    $id: 'AuthorPrivate',
    description: 'An author as authenticated callers see it: the public profile plus the email.',
    examples: [{ ...example, email: 'mai.nguyen@example.com' }],
  },
);
export type AuthorPrivate = Static<typeof AuthorPrivate>;

export const AuthorCreate = Type.Object(
  {
    slug: Type.Optional(Slug),
    name: Name,
    bios: Type.Optional(Localized(2000, 'Bio per locale.')),
    avatarUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
  },
  {
    $id: 'AuthorCreate',
    additionalProperties: false,
    description: 'The slug is made from the name when omitted.',
    examples: [{ name: 'Mai Nguyen', bios: { en: 'Covers energy and climate from Hanoi.' }, email: 'mai.nguyen@example.com' }],
  },
);
export type AuthorCreate = Static<typeof AuthorCreate>;

export const AuthorUpdate = Type.Object(
  {
    slug: Type.Optional(Slug),
    name: Type.Optional(Name),
    bios: Type.Optional(Localized(2000, 'Bio per locale; replaces the whole map.')),
    avatarUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
  },
  { $id: 'AuthorUpdate', additionalProperties: false, minProperties: 1, examples: [{ avatarUrl: null }] },
);
export type AuthorUpdate = Static<typeof AuthorUpdate>;

export const AUTHOR_SORTS = ['name', 'slug', 'createdAt'];

export const AuthorListQuery = Type.Object(
  {
    locale: Type.Optional(LocaleCode),
    'filter[slug]': Type.Optional(Slug),
    'filter[slug][in]': Type.Optional(ListValue('Comma-separated slugs.')),
    'filter[name][contains]': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive match in the name.' })),
    ...listParams(AUTHOR_SORTS, 'name'),
  },
  { additionalProperties: false },
);
export type AuthorListQuery = Static<typeof AuthorListQuery>;

export const authorSchemas = [Author, AuthorPrivate, AuthorCreate, AuthorUpdate];
