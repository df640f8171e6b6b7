// Category shapes: what clients send and what they get back (flat, with ancestors, or as a tree).
import Type, { type Static } from 'typebox';
import { listParams, ListValue } from '../../http/list.js';
import { LocaleCode, Localized, Slug, Timestamp, Uuid } from '../../http/schemas.js';

const Position = Type.Integer({
  minimum: 0,
  maximum: 1_000_000,
  description: 'Display order among siblings, ascending; ties are ordered by slug. 0 when not given.',
});

const example = {
  id: '0198a1b2-0000-7000-8000-000000000010',
  parentId: '0198a1b2-0000-7000-8000-000000000011',
  slug: 'football',
  position: 1,
  name: 'Football',
  names: { en: 'Football', zh: '足球' },
  description: 'Leagues, clubs and national teams.',
  descriptions: { en: 'Leagues, clubs and national teams.' },
  createdAt: '2025-08-14T12:02:00.000Z',
  updatedAt: '2025-08-14T12:02:00.000Z',
};
const sportsRef = { id: '0198a1b2-0000-7000-8000-000000000011', slug: 'sports', name: 'Sports' };

export const Category = Type.Object(
  {
    id: Uuid,
    parentId: Type.Union([Uuid, Type.Null()], { description: 'The parent category; null for a top-level section.' }),
    slug: Slug,
    position: Position,
    name: Type.String({ description: 'Name in the requested locale (or the site default).' }),
    names: Localized(100, 'Name per locale.'),
    description: Type.String({ description: 'Description in the requested locale (or the site default); empty when none.' }),
    descriptions: Localized(1000, 'Description per locale.'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {
    $id: 'Category',
    examples: [example],
  },
);
export type Category = Static<typeof Category>;

/** A category as a link: breadcrumbs, and the category embedded in an article. */
export const CategoryRef = Type.Object(
  { id: Uuid, slug: Slug, name: Type.String({ description: 'Name in the requested locale (or the site default).' }) },
  { $id: 'CategoryRef', examples: [sportsRef] },
);
export type CategoryRef = Static<typeof CategoryRef>;

export const CategoryDetail = Type.Object(
  {
    ...Category.properties,
    ancestors: Type.Array(Type.Ref('CategoryRef'), {
      description: 'The parent chain for breadcrumbs, from the top-level section down to the parent; empty at the top level.',
    }),
  },
  {
    $id: 'CategoryDetail',
    examples: [{ ...example, ancestors: [sportsRef] }],
  },
);
export type CategoryDetail = Category & { ancestors: CategoryRef[] };

// TypeBox cannot infer a static type through a self-referencing $ref, so the node type is spelled out.
export interface CategoryNode extends Category {
  children?: CategoryNode[];
}
export const CategoryNode = Type.Object(
  {
    ...Category.properties,
    children: Type.Optional(
      Type.Array(Type.Unsafe<CategoryNode>(Type.Ref('CategoryNode')), {
        description: 'Only with tree=true: the subcategories, ordered by position then slug (empty for a leaf).',
      }),
    ),
  },
  {
    $id: 'CategoryNode',
    description: 'A category in a list; with tree=true it also carries its children.',
    examples: [
      {
        ...example,
        id: sportsRef.id,
        parentId: null,
        slug: 'sports',
        position: 0,
        name: '体育',
        names: { en: 'Sports', zh: '体育' },
        description: '',
        descriptions: {},
        children: [{ ...example, name: '足球', children: [] }],
      },
    ],
  },
);

export const CategoryCreate = Type.Object(
  {
    slug: Type.Optional(Slug),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'An existing category; omit or null for top level.' })),
    position: Type.Optional(Position),
    names: Localized(100, 'Name per locale; at least one.', 1),
    descriptions: Type.Optional(Localized(1000, 'Description per locale.')),
  },
  {
    $id: 'CategoryCreate',
    additionalProperties: false,
    description: 'The slug is made from the default-locale name when omitted.',
    examples: [{ slug: 'football', parentId: '0198a1b2-0000-7000-8000-000000000011', position: 1, names: { en: 'Football', zh: '足球' } }],
  },
);
export type CategoryCreate = Static<typeof CategoryCreate>;

export const CategoryUpdate = Type.Object(
  {
    slug: Type.Optional(Slug),
    parentId: Type.Optional(
      Type.Union([Uuid, Type.Null()], { description: 'Moves the category; null makes it top level. Never itself or one of its descendants.' }),
    ),
    position: Type.Optional(Position),
    names: Type.Optional(Localized(100, 'Name per locale; replaces the whole map.', 1)),
    descriptions: Type.Optional(Localized(1000, 'Description per locale; replaces the whole map.')),
  },
  { $id: 'CategoryUpdate', additionalProperties: false, minProperties: 1, examples: [{ parentId: null, position: 3 }] },
);
export type CategoryUpdate = Static<typeof CategoryUpdate>;

export const CATEGORY_SORTS = ['position', 'slug', 'createdAt'];

const IdOrSlug = Type.String({
  minLength: 1,
  maxLength: 120,
  pattern: '^[A-Za-z0-9-]+$',
  description: 'A category id or slug.',
});

export const CategoryListQuery = Type.Object(
  {
    locale: Type.Optional(LocaleCode),
    tree: Type.Optional(
      Type.Boolean({
        description: 'true: the whole hierarchy as nested children (never paginated; filter, sort and page parameters are refused).',
      }),
    ),
    'filter[parent]': Type.Optional(IdOrSlug),
    'filter[parent][null]': Type.Optional(Type.Boolean({ description: 'true: top-level categories only; false: subcategories only.' })),
    'filter[slug]': Type.Optional(Slug),
    'filter[slug][in]': Type.Optional(ListValue('Comma-separated slugs.')),
    ...listParams(CATEGORY_SORTS, 'position'),
  },
  { additionalProperties: false },
);
export type CategoryListQuery = Static<typeof CategoryListQuery>;

// Category itself is only the base of CategoryDetail and CategoryNode, so it is not published as a component.
export const categorySchemas = [CategoryRef, CategoryDetail, CategoryNode, CategoryCreate, CategoryUpdate];
