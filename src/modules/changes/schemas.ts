// Shapes of GET /v1/changes: the query and one entry of the partner sync feed.
import Type, { type Static } from 'typebox';
import { LocaleCode, Timestamp, Uuid } from '../../http/schemas.js';

export const CHANGES_LIMIT_MAX = 1000;

export const ChangesQuery = Type.Object(
  {
    since: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'Opaque cursor: meta.next of your previous call. Leave out to start from the beginning of the feed.',
        examples: ['MTI4'],
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: CHANGES_LIMIT_MAX, default: 100, description: `Entries per call (1 to ${CHANGES_LIMIT_MAX}, default 100).` }),
    ),
    'filter[locale]': Type.Optional(LocaleCode),
  },
  { additionalProperties: false },
);
export type ChangesQuery = Static<typeof ChangesQuery>;

export const ArticleChange = Type.Object(
  {
    id: Type.String({ description: 'Position of the entry in the feed (increasing, with gaps), as a string.' }),
    event: Type.Enum(['article.published', 'article.updated', 'article.unpublished', 'article.deleted'], {
      description: 'What happened to the public view, in the words of the webhook events.',
    }),
    action: Type.Enum(['upsert', 'delete'], {
      description: 'upsert: fetch links.self and store it; delete: remove the article from your mirror (a tombstone).',
    }),
    at: Timestamp,
    article: Type.Object(
      {
        id: Uuid,
        locale: LocaleCode,
        slug: Type.String({ description: 'The slug when the change happened; for a tombstone, the one it was last public under.' }),
        translationGroupId: Uuid,
      },
      { description: 'Identity of the article as it was public; fetch links.self for its content.' },
    ),
    links: Type.Optional(Type.Object({ self: Type.String({ description: 'Where to fetch the article now (upserts only).' }) })),
  },
  {
    $id: 'ArticleChange',
    description: 'One change to the public view of an article.',
    examples: [
      {
        id: '128',
        event: 'article.published',
        action: 'upsert',
        at: '2025-08-14T12:02:00.000Z',
        article: {
          id: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e',
          locale: 'en',
          slug: 'river-towns-brace-for-a-record-flood-crest',
          translationGroupId: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c0001',
        },
        links: { self: '/v1/articles/0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e' },
      },
    ],
  },
);
export type ArticleChange = Static<typeof ArticleChange>;

export const changeSchemas = [ArticleChange];
