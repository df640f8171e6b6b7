// Tag shapes: what clients send and what they get back.
import Type, { type Static } from 'typebox';
import { listParams } from '../../http/list.js';
import { LocaleCode, Localized, Slug, Timestamp, Uuid } from '../../http/schemas.js';

export const Tag = Type.Object(
  {
    id: Uuid,
    slug: Slug,
    name: Type.String({ description: 'Name in the requested locale (or the site default).' }),
    names: Localized(100, 'Name per locale.'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {
    $id: 'Tag',
    examples: [
      {
        id: '0198a1b2-0000-7000-8000-000000000001',
        slug: 'climate',
        name: 'Climate',
        names: { en: 'Climate', zh: '气候' },
        createdAt: '2025-08-14T12:02:00.000Z',
        updatedAt: '2025-08-14T12:02:00.000Z',
      },
    ],
  },
);
export type Tag = Static<typeof Tag>;

export const TagCreate = Type.Object(
  {
    slug: Type.Optional(Slug),
    names: Localized(100, 'Name per locale; at least one.', 1),
  },
  {
    $id: 'TagCreate',
    additionalProperties: false,
    description: 'The slug is made from the default-locale name when omitted.',
    examples: [{ slug: 'climate', names: { en: 'Climate', zh: '气候' } }],
  },
);
export type TagCreate = Static<typeof TagCreate>;

export const TagUpdate = Type.Object(
  { slug: Type.Optional(Slug), names: Type.Optional(Localized(100, 'Name per locale; replaces the whole map.', 1)) },
  { $id: 'TagUpdate', additionalProperties: false, minProperties: 1, examples: [{ names: { en: 'Climate change', zh: '气候变化' } }] },
);
export type TagUpdate = Static<typeof TagUpdate>;

export const TAG_SORTS = ['slug', 'createdAt', 'updatedAt'];

export const TagListQuery = Type.Object(
  {
    locale: Type.Optional(LocaleCode),
    'filter[slug]': Type.Optional(Slug),
    'filter[slug][in]': Type.Optional(Type.String({ maxLength: 4000, description: 'Comma-separated slugs.' })),
    'filter[name][contains]': Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Case-insensitive match in any locale.' })),
    ...listParams(TAG_SORTS, 'slug'),
  },
  { additionalProperties: false },
);
export type TagListQuery = Static<typeof TagListQuery>;

export const tagSchemas = [Tag, TagCreate, TagUpdate];
