// GET /v1/search: the query string and one result.
import Type, { type Static } from 'typebox';
import { listParams } from '../../http/list.js';
import { LocaleCode, ref } from '../../http/schemas.js';
import { ArticleListItem, ArticleListQuery, FieldsParam, IncludeParam } from '../articles/schemas.js';

export const SEARCH_SORTS = ['relevance', 'publishedAt'];

/** The fields a result carries when `fields` is not given: what a results page shows. */
export const DEFAULT_RESULT_FIELDS = 'locale,slug,title,lead,publishedAt,coverImage,category';

const FILTERS = [
  'filter[category]',
  'filter[category][in]',
  'filter[category][descendants]',
  'filter[tag]',
  'filter[tag][in]',
  'filter[author]',
  'filter[author][in]',
  'filter[source]',
  'filter[source][in]',
  'filter[publishedAt][gte]',
  'filter[publishedAt][gt]',
  'filter[publishedAt][lte]',
  'filter[publishedAt][lt]',
] as const;

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 500,
      description:
        'What to look for, as on a search engine: words are ANDed, "quoted phrases" match in order, `or` between words means either, ' +
        'a leading `-` excludes a word. English is stemmed (flood finds floods), Vietnamese ignores accents (ha noi finds Hà Nội), ' +
        'Chinese matches any run of characters inside the text. `locale` is the language searched (the site default when absent); ' +
        `\`fields\` defaults to ${DEFAULT_RESULT_FIELDS}.`,
      examples: ['flood warning', 'ha noi', '洪水'],
    }),
    locale: Type.Optional(LocaleCode),
    ...Type.Pick(ArticleListQuery, [...FILTERS]).properties,
    include: Type.Optional(IncludeParam),
    fields: Type.Optional(FieldsParam),
    ...listParams(SEARCH_SORTS, 'relevance'),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchResult = Type.Intersect(
  [
    ref(ArticleListItem),
    Type.Object({
      search: Type.Object({
        score: Type.Number({ description: 'Relevance; higher is better. Comparable only within one query.' }),
        title: Type.String({ description: 'The title as HTML, matches wrapped in <mark>; everything else escaped.' }),
        snippet: Type.String({ description: 'A passage of the lead or body around the matches, as HTML with <mark>; the lead when nothing in the text matched literally.' }),
      }),
    }),
  ],
  { $id: 'SearchResult' },
);

export const searchSchemas = [SearchResult];
