// Feed parameters and the JSON Feed 1.1 document (snake_case keys: that is the JSON Feed standard, not ours).
import Type, { type Static } from 'typebox';
import { LocaleCode } from '../../http/schemas.js';

export const FeedParams = Type.Object({ locale: LocaleCode }, { additionalProperties: false });

const IdOrSlug = (what: string) => Type.String({ minLength: 1, maxLength: 120, description: `${what} id or slug.` });

export const FeedQuery = Type.Object(
  {
    category: Type.Optional(IdOrSlug('Category (its subcategories included):')),
    tag: Type.Optional(IdOrSlug('Tag')),
    author: Type.Optional(IdOrSlug('Author')),
  },
  { additionalProperties: false },
);
export type FeedQuery = Static<typeof FeedQuery>;

const JsonFeedAuthor = Type.Object({ name: Type.String(), url: Type.Optional(Type.String()) });

export const JsonFeed = Type.Object(
  {
    version: Type.Literal('https://jsonfeed.org/version/1.1'),
    title: Type.String(),
    home_page_url: Type.String(),
    feed_url: Type.String(),
    description: Type.Optional(Type.String()),
    icon: Type.Optional(Type.String()),
    language: Type.String(),
    authors: Type.Array(JsonFeedAuthor),
    items: Type.Array(
      Type.Object({
        id: Type.String({ description: 'urn:uuid:<article id>: stable when the slug changes.' }),
        url: Type.String(),
        title: Type.String(),
        summary: Type.String(),
        content_html: Type.String(),
        image: Type.Optional(Type.String()),
        date_published: Type.String({ format: 'date-time' }),
        date_modified: Type.String({ format: 'date-time' }),
        authors: Type.Optional(Type.Array(JsonFeedAuthor)),
        tags: Type.Array(Type.String()),
        language: Type.String(),
      }),
      { maxItems: 50 },
    ),
  },
  {
    $id: 'JsonFeed',
    description: 'JSON Feed 1.1 (https://jsonfeed.org/version/1.1).',
    examples: [
      {
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Dateline — World',
        home_page_url: 'https://news.example/en/',
        feed_url: 'https://api.news.example/v1/feeds/en/feed.json?category=world',
        description: 'News from the delta',
        language: 'en',
        authors: [{ name: 'Dateline' }],
        items: [
          {
            id: 'urn:uuid:0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e',
            url: 'https://news.example/en/world/river-towns-brace-for-a-record-flood-crest',
            title: 'River towns brace for a record flood crest',
            summary: 'Officials opened shelters as the water rose overnight.',
            content_html: '<p>The river rose two metres in six hours.</p>',
            date_published: '2025-08-14T12:02:00.000Z',
            date_modified: '2025-08-14T12:02:00.000Z',
            authors: [{ name: 'Lan Nguyen' }],
            tags: ['World', 'Floods'],
            language: 'en',
          },
        ],
      },
    ],
  },
);
export type JsonFeed = Static<typeof JsonFeed>;
