// Source shapes: news agencies, outlets and partners an article relies on.
import Type, { type Static } from 'typebox';
import { listParams, ListValue } from '../../http/list.js';
import { HttpUrl, Slug, Timestamp, Uuid } from '../../http/schemas.js';

export const SOURCE_KINDS = ['agency', 'outlet', 'partner'] as const;
const Kind = Type.Enum([...SOURCE_KINDS], { description: 'agency (wire service), outlet (another publication) or partner.' });
const ShortName = Type.String({ minLength: 1, maxLength: 40, description: 'As credited in a byline, e.g. AFP.' });
const FullName = Type.String({ minLength: 1, maxLength: 200, description: 'e.g. Agence France-Presse.' });

const example = {
  id: '0198a1b2-0000-7000-8000-000000000030',
  slug: 'afp',
  shortName: 'AFP',
  fullName: 'Agence France-Presse',
  url: 'https://www.afp.com',
  kind: 'agency' as const,
  createdAt: '2025-08-14T12:02:00.000Z',
  updatedAt: '2025-08-14T12:02:00.000Z',
};

export const Source = Type.Object(
  {
    id: Uuid,
    slug: Slug,
    shortName: ShortName,
    fullName: FullName,
    url: Type.Union([HttpUrl, Type.Null()]),
    kind: Kind,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Source', examples: [example] },
);
export type Source = Static<typeof Source>;

export const SourceCreate = Type.Object(
  {
    slug: Type.Optional(Slug),
    shortName: ShortName,
    fullName: FullName,
    url: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    kind: Kind,
  },
  {
    $id: 'SourceCreate',
    additionalProperties: false,
    description: 'The slug is made from the short name when omitted.',
    examples: [{ shortName: 'AFP', fullName: 'Agence France-Presse', url: 'https://www.afp.com', kind: 'agency' }],
  },
);
export type SourceCreate = Static<typeof SourceCreate>;

export const SourceUpdate = Type.Object(
  {
    slug: Type.Optional(Slug),
    shortName: Type.Optional(ShortName),
    fullName: Type.Optional(FullName),
    url: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    kind: Type.Optional(Kind),
  },
  { $id: 'SourceUpdate', additionalProperties: false, minProperties: 1, examples: [{ kind: 'partner' }] },
);
export type SourceUpdate = Static<typeof SourceUpdate>;

export const SOURCE_SORTS = ['shortName', 'slug', 'createdAt'];

export const SourceListQuery = Type.Object(
  {
    'filter[kind]': Type.Optional(Kind),
    'filter[kind][in]': Type.Optional(
      Type.String({ maxLength: 100, pattern: '^(agency|outlet|partner)(,(agency|outlet|partner))*$', description: 'Comma-separated kinds.' }),
    ),
    'filter[slug]': Type.Optional(Slug),
    'filter[slug][in]': Type.Optional(ListValue('Comma-separated slugs.')),
    ...listParams(SOURCE_SORTS, 'shortName'),
  },
  { additionalProperties: false },
);
export type SourceListQuery = Static<typeof SourceListQuery>;

export const sourceSchemas = [Source, SourceCreate, SourceUpdate];
