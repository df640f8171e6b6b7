// Article shapes: body blocks, the stored fields, embedded relations and the list query grammar.
import Type, { type Static } from 'typebox';
import { listParams } from '../../http/list.js';
import { HttpUrl, LocaleCode, Nullable, ref, Slug, Timestamp, Uuid } from '../../http/schemas.js';
import { formatSchemas, NewsArticle } from './format-schemas.js';
import { Alternate } from './alternates.js';

const Text = (maxLength: number, description?: string) => Type.String({ maxLength, description });

export const Image = Type.Object(
  {
    url: HttpUrl,
    alt: Text(500, 'Alternative text for screen readers.'),
    caption: Type.Optional(Nullable(Text(2000, 'May span several lines.'))),
    credit: Type.Optional(Nullable(Text(200, 'e.g. "Photo: AP".'))),
    width: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 20000 }))),
    height: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 20000 }))),
  },
  { $id: 'Image', additionalProperties: false },
);

const InlineText = Text(10000, 'Text with optional inline HTML: a[href], b, strong, i, em, br, sub, sup. Anything else is stripped.');

export const ParagraphBlock = Type.Object(
  { type: Type.Literal('paragraph'), text: InlineText },
  { additionalProperties: false },
);
export const HeadingBlock = Type.Object(
  { type: Type.Literal('heading'), level: Type.Integer({ minimum: 2, maximum: 4 }), text: Text(500) },
  { additionalProperties: false },
);
export const QuoteBlock = Type.Object(
  { type: Type.Literal('quote'), text: Text(5000), attribution: Type.Optional(Nullable(Text(300))) },
  { additionalProperties: false },
);
export const ImageBlock = Type.Object(
  {
    type: Type.Literal('image'),
    url: HttpUrl,
    alt: Text(500),
    caption: Type.Optional(Nullable(Text(2000))),
    credit: Type.Optional(Nullable(Text(200))),
    width: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 20000 }))),
    height: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 20000 }))),
  },
  { additionalProperties: false },
);
export const ListBlock = Type.Object(
  {
    type: Type.Literal('list'),
    style: Type.Enum(['bulleted', 'numbered']),
    items: Type.Array(InlineText, { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export const EmbedBlock = Type.Object(
  {
    type: Type.Literal('embed'),
    provider: Type.String({ minLength: 1, maxLength: 60, examples: ['youtube'] }),
    url: HttpUrl,
    title: Type.Optional(Nullable(Text(300))),
  },
  { additionalProperties: false },
);

export const Block = Type.Union([ParagraphBlock, HeadingBlock, QuoteBlock, ImageBlock, ListBlock, EmbedBlock], {
  $id: 'Block',
  description: 'One body block, told apart by `type`.',
});
export type Block = Static<typeof Block>;

export const OriginalStory = Type.Object(
  {
    publisher: Type.String({ minLength: 1, maxLength: 200 }),
    locale: LocaleCode,
    url: HttpUrl,
    articleId: Type.Optional(Nullable(Uuid)),
  },
  { $id: 'OriginalStory', additionalProperties: false, description: 'The story this one translates or adapts; it may live outside Dateline.' },
);

export const Seo = Type.Object(
  {
    title: Type.Optional(Nullable(Text(200))),
    description: Type.Optional(Nullable(Text(500))),
    canonicalUrl: Type.Optional(
      Nullable(HttpUrl, {
        description:
          "Only to point search engines at another page, e.g. a syndicated story's original. Null (usual): the canonical URL is the article's own " +
          'front-end URL, its entry in alternates (from FRONTEND_URL_PATTERN), which JSON-LD uses too.',
      }),
    ),
    ogImageUrl: Type.Optional(Nullable(HttpUrl)),
  },
  { $id: 'Seo', additionalProperties: false },
);

export const ARTICLE_STATUSES = ['draft', 'in_review', 'scheduled', 'published', 'unpublished', 'archived'] as const;
export const ArticleStatus = Type.Enum([...ARTICLE_STATUSES]);
export type ArticleStatus = Static<typeof ArticleStatus>;

export const Correction = Type.Object(
  { text: Type.String(), at: Timestamp },
  { $id: 'Correction', description: 'A correction note, part of the public article.' },
);
export const AUTHOR_ROLES = ['writer', 'translator', 'photographer', 'editor', 'contributor'] as const;
export const AuthorRole = Type.Enum([...AUTHOR_ROLES]);

// Relations: ids only by default; with include=<relation> the other fields are filled in.
export const CategoryRef = Type.Object({
  id: Uuid,
  slug: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  parentId: Type.Optional(Nullable(Uuid)),
  ancestors: Type.Optional(
    Type.Array(Type.Object({ id: Uuid, slug: Type.String(), name: Type.String() }), { description: 'Root first, for breadcrumbs.' }),
  ),
});
export const TagRef = Type.Object({ id: Uuid, slug: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });
export const AuthorRef = Type.Object({
  id: Uuid,
  role: AuthorRole,
  name: Type.Optional(Type.String()),
  slug: Type.Optional(Type.String()),
  avatarUrl: Type.Optional(Nullable(Type.String())),
  bio: Type.Optional(Type.String({ description: 'Short bio in the article locale.' })),
});
export const SourceRef = Type.Object({
  id: Uuid,
  slug: Type.Optional(Type.String()),
  shortName: Type.Optional(Type.String()),
  fullName: Type.Optional(Type.String()),
  url: Type.Optional(Nullable(Type.String())),
  kind: Type.Optional(Type.String()),
});
export const TranslationLink = Type.Object(
  {
    id: Uuid,
    locale: Type.String(),
    slug: Type.String(),
    title: Type.String(),
    status: ArticleStatus,
    path: Type.String({ description: 'API path of the translation.', examples: ['/v1/articles/by-slug/zh/some-slug'] }),
  },
  { $id: 'TranslationLink' },
);

export const Article = Type.Object(
  {
    id: Uuid,
    translationGroupId: Uuid,
    locale: Type.String(),
    slug: Type.String(),
    title: Type.String(),
    seoTitle: Nullable(Type.String()),
    lead: Type.String(),
    body: Type.Array(ref(Block)),
    bodyHtml: Type.String({ description: 'The body rendered to sanitized HTML.' }),
    status: ArticleStatus,
    publishedAt: Nullable(Timestamp),
    firstPublishedAt: Nullable(Timestamp),
    publishAt: Nullable(Timestamp),
    unpublishAt: Nullable(Timestamp),
    embargoUntil: Nullable(Timestamp),
    corrections: Type.Array(ref(Correction), { description: 'Correction notes appended after publication, oldest first.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    category: Nullable(CategoryRef),
    tags: Type.Array(TagRef),
    authors: Type.Array(AuthorRef),
    sources: Type.Array(SourceRef),
    coverImage: Nullable(ref(Image)),
    datelinePlace: Nullable(Type.String()),
    originalStory: Nullable(ref(OriginalStory)),
    seo: ref(Seo),
    translations: Type.Optional(Type.Array(ref(TranslationLink), { description: 'Only with include=translations.' })),
    /** Single-article reads with include=jsonld only: the schema.org NewsArticle (as ?format=jsonld) for the page head. */
    jsonLd: Type.Optional(ref(NewsArticle)),
    alternates: Type.Optional(
      Type.Array(ref(Alternate), {
        description:
          'Single-article reads only: every public version of the story, this one included, then x-default; for hreflang links and the language switch. ' +
          'Drafts and embargoed versions never appear, whoever asks (an unpublished article lists only its public siblings).',
      }),
    ),
  },
  {
    $id: 'Article',
    examples: [
      {
        id: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e',
        translationGroupId: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c0000',
        locale: 'en',
        slug: 'river-towns-brace-for-a-record-flood-crest',
        title: 'River towns brace for a record flood crest',
        seoTitle: null,
        lead: 'Officials opened shelters as the water rose overnight.',
        body: [
          { type: 'paragraph', text: 'The river rose two metres in six hours.' },
          { type: 'quote', text: 'We moved the school to the hill.', attribution: 'A village head' },
        ],
        bodyHtml:
          '<p>The river rose two metres in six hours.</p>\n<blockquote><p>We moved the school to the hill.</p><footer>A village head</footer></blockquote>',
        status: 'published',
        publishedAt: '2025-08-14T12:02:00.000Z',
        firstPublishedAt: '2025-08-14T12:02:00.000Z',
        publishAt: null,
        unpublishAt: null,
        embargoUntil: null,
        corrections: [{ text: 'An earlier version gave the wrong crest height.', at: '2025-08-14T15:30:00.000Z' }],
        createdAt: '2025-08-14T11:40:00.000Z',
        updatedAt: '2025-08-14T12:02:00.000Z',
        category: { id: '0198a1b2-0000-7000-8000-000000000011' },
        tags: [{ id: '0198a1b2-0000-7000-8000-000000000001' }],
        authors: [{ id: '0198a1b2-0000-7000-8000-000000000021', role: 'writer' }],
        sources: [{ id: '0198a1b2-0000-7000-8000-000000000031' }],
        coverImage: null,
        datelinePlace: 'Can Tho',
        originalStory: null,
        seo: {},
      },
    ],
  },
);
export type Article = Static<typeof Article>;

/** List items: with `fields=` any field but id may be absent. */
export const ArticleListItem = Type.Intersect([Type.Object({ id: Uuid }), Type.Partial(Type.Omit(Article, ['id']))], {
  $id: 'ArticleListItem',
});

const writable = {
  slug: Slug,
  title: Type.String({ minLength: 1, maxLength: 300 }),
  seoTitle: Nullable(Type.String({ maxLength: 200 })),
  lead: Type.String({ maxLength: 2000 }),
  body: Type.Array(ref(Block), { maxItems: 500 }),
  categoryId: Nullable(Uuid),
  tagIds: Type.Array(Uuid, { maxItems: 50, uniqueItems: true, description: 'Ordered.' }),
  authors: Type.Array(Type.Object({ authorId: Uuid, role: AuthorRole }, { additionalProperties: false }), {
    maxItems: 20,
    description: 'Ordered byline.',
  }),
  sourceIds: Type.Array(Uuid, { maxItems: 30, uniqueItems: true, description: 'Ordered.' }),
  coverImage: Nullable(ref(Image)),
  datelinePlace: Nullable(Type.String({ maxLength: 120 })),
  originalStory: Nullable(ref(OriginalStory)),
  seo: ref(Seo),
};

export const ArticleCreate = Type.Object(
  {
    locale: LocaleCode,
    title: writable.title,
    slug: Type.Optional(writable.slug),
    seoTitle: Type.Optional(writable.seoTitle),
    lead: Type.Optional(writable.lead),
    body: Type.Optional(writable.body),
    categoryId: Type.Optional(writable.categoryId),
    tagIds: Type.Optional(writable.tagIds),
    authors: Type.Optional(writable.authors),
    sourceIds: Type.Optional(writable.sourceIds),
    coverImage: Type.Optional(writable.coverImage),
    datelinePlace: Type.Optional(writable.datelinePlace),
    originalStory: Type.Optional(writable.originalStory),
    seo: Type.Optional(writable.seo),
  },
  {
    $id: 'ArticleCreate',
    additionalProperties: false,
    description:
      'Creates a draft; the slug is made from the title when omitted. The status changes only through the workflow actions (submit, approve, schedule, publish...).',
    examples: [
      {
        locale: 'en',
        title: 'River towns brace for a record flood crest',
        lead: 'Officials opened shelters as the water rose overnight.',
        body: [{ type: 'paragraph', text: 'The river rose two metres in six hours.' }],
      },
    ],
  },
);
export type ArticleCreate = Static<typeof ArticleCreate>;

/**
 * What the write services accept: the API fields plus status and publishedAt, which only system code
 * (demo seed, test factories) sets directly. Over HTTP the status changes only through workflow actions.
 */
export type SystemStatusFields = { status?: ArticleStatus; publishedAt?: string | null };

/**
 * What `dateline import` restores as recorded instead of deriving it from a status change: an archive keeps
 * its publication dates, schedule, embargo, corrections and creation time (src/modules/transfer).
 */
export interface ImportedState {
  status: ArticleStatus;
  publishedAt: string | null;
  firstPublishedAt: string | null;
  publishAt: string | null;
  unpublishAt: string | null;
  embargoUntil: string | null;
  corrections: Array<{ text: string; at: string }>;
  /** Used on create only: an article's creation time never moves. */
  createdAt?: string;
}

/** System-only inputs of the importer: the recorded state, and the id of an article whose story this one is a version of. */
export type ImportFields = { imported?: ImportedState; translationOf?: string };
export type ArticleCreateInput = ArticleCreate & SystemStatusFields & ImportFields;

export const ArticleUpdate = Type.Object(
  {
    slug: Type.Optional(writable.slug),
    title: Type.Optional(writable.title),
    seoTitle: Type.Optional(writable.seoTitle),
    lead: Type.Optional(writable.lead),
    body: Type.Optional(writable.body),
    categoryId: Type.Optional(writable.categoryId),
    tagIds: Type.Optional(writable.tagIds),
    authors: Type.Optional(writable.authors),
    sourceIds: Type.Optional(writable.sourceIds),
    coverImage: Type.Optional(writable.coverImage),
    datelinePlace: Type.Optional(writable.datelinePlace),
    originalStory: Type.Optional(writable.originalStory),
    seo: Type.Optional(writable.seo),
  },
  {
    $id: 'ArticleUpdate',
    additionalProperties: false,
    minProperties: 1,
    description:
      'Only the fields sent change; tagIds, authors and sourceIds replace the whole ordered list. The status changes only through the workflow actions.',
    examples: [{ title: 'River towns brace for a record flood crest on Friday' }],
  },
);
export type ArticleUpdate = Static<typeof ArticleUpdate>;
export type ArticleUpdateInput = ArticleUpdate & SystemStatusFields & ImportFields;

export const INCLUDES = ['category', 'tags', 'authors', 'sources', 'coverImage', 'translations'] as const;
export type Include = (typeof INCLUDES)[number];
export const IncludeParam = Type.String({
  maxLength: 200,
  pattern: '^[A-Za-z]+(,[A-Za-z]+)*$',
  description: `Relations to embed: ${INCLUDES.join(', ')} (coverImage is always inline).`,
  examples: ['category,tags,authors,sources,translations'],
});
export const ARTICLE_FIELDS = Object.keys(Article.properties);
export const FieldsParam = Type.String({
  maxLength: 500,
  pattern: '^[A-Za-z]+(,[A-Za-z]+)*$',
  description: 'Sparse fieldset: only these fields (id is always present).',
  examples: ['title,slug,lead,publishedAt'],
});

export const ArticleReadQuery = Type.Object(
  { include: Type.Optional(IncludeParam), fields: Type.Optional(FieldsParam) },
  { additionalProperties: false },
);

export const ARTICLE_FORMATS = ['json', 'jsonld', 'ninjs'] as const;
export type ArticleFormat = (typeof ARTICLE_FORMATS)[number];

/** GET one article: the read options plus the representation (the preview link keeps ArticleReadQuery: JSON only). */
export const ArticleGetQuery = Type.Object(
  {
    ...ArticleReadQuery.properties,
    include: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: '^[A-Za-z]+(,[A-Za-z]+)*$',
        description:
          `Relations to embed: ${INCLUDES.join(', ')} (coverImage is always inline); and jsonld: the ready schema.org NewsArticle ` +
          'object in `jsonLd`, for the page head.',
        examples: ['category,tags,authors,sources,translations,jsonld'],
      }),
    ),
    format: Type.Optional(
      Type.Enum([...ARTICLE_FORMATS], {
        description:
          'json (default): the { data } envelope; jsonld: a schema.org NewsArticle (application/ld+json); ninjs: IPTC ninjs 2.1 ' +
          '(application/vnd.iptc.ninjs+json). Without it the Accept header chooses; include and fields shape the json envelope only.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ArticleGetQuery = Static<typeof ArticleGetQuery>;

const LOCALE_PATTERN = { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 };

/** GET /v1/articles/{id}: also the reading language, with an explicit fallback. */
export const ArticleByIdQuery = Type.Object(
  {
    ...ArticleGetQuery.properties,
    locale: Type.Optional(
      Type.String({
        ...LOCALE_PATTERN,
        description: 'Answer with the version of this story in this locale (404 when it has none the caller may read, unless fallback is given).',
        examples: ['zh'],
      }),
    ),
    fallback: Type.Optional(
      Type.String({
        ...LOCALE_PATTERN,
        description: 'With locale: the locale to answer in when the story has no readable version in `locale`. meta.fallbackUsed and Content-Language say which was served. Never applied silently.',
        examples: ['en'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type ArticleByIdQuery = Static<typeof ArticleByIdQuery>;

const Ref = (description: string) => Type.String({ minLength: 1, maxLength: 120, description });
const List = (description: string) => Type.String({ minLength: 1, maxLength: 4000, description: description + ' Comma-separated, at most 100.' });

export const ARTICLE_SORTS = ['publishedAt', 'createdAt', 'updatedAt', 'title'];

export const ArticleListQuery = Type.Object(
  {
    'filter[locale]': Type.Optional(LocaleCode),
    'filter[locale][in]': Type.Optional(List('Locale codes.')),
    'filter[status]': Type.Optional(ArticleStatus),
    'filter[status][in]': Type.Optional(List('Statuses.')),
    'filter[status][ne]': Type.Optional(ArticleStatus),
    'filter[category]': Type.Optional(Ref('Category id or slug.')),
    'filter[category][in]': Type.Optional(List('Category ids or slugs.')),
    'filter[category][descendants]': Type.Optional(Ref('Category id or slug; matches it and every category below it.')),
    'filter[tag]': Type.Optional(Ref('Tag id or slug.')),
    'filter[tag][in]': Type.Optional(List('Tag ids or slugs; an article matches if it has any.')),
    'filter[author]': Type.Optional(Ref('Author id or slug.')),
    'filter[author][in]': Type.Optional(List('Author ids or slugs.')),
    'filter[source]': Type.Optional(Ref('Source id or slug.')),
    'filter[source][in]': Type.Optional(List('Source ids or slugs.')),
    'filter[publishedAt][gte]': Type.Optional(Timestamp),
    'filter[publishedAt][gt]': Type.Optional(Timestamp),
    'filter[publishedAt][lte]': Type.Optional(Timestamp),
    'filter[publishedAt][lt]': Type.Optional(Timestamp),
    'filter[title][contains]': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive.' })),
    'filter[translationGroup]': Type.Optional(Uuid),
    include: Type.Optional(IncludeParam),
    fields: Type.Optional(FieldsParam),
    ...listParams(ARTICLE_SORTS, '-publishedAt'),
  },
  { additionalProperties: false },
);
export type ArticleListQuery = Static<typeof ArticleListQuery>;

export const BySlugParams = Type.Object({ locale: LocaleCode, slug: Slug }, { additionalProperties: false });

export const TranslationCreate = Type.Object(
  { locale: LocaleCode, slug: Type.Optional(Slug) },
  { $id: 'TranslationCreate', additionalProperties: false, description: 'The slug defaults to the original slug.', examples: [{ locale: 'zh' }] },
);

/** Registered as OpenAPI components (with the NewsArticle and Ninjs formats of one article). */
export const articleSchemas = [Alternate, 
  Image,
  Block,
  OriginalStory,
  Seo,
  TranslationLink,
  Correction,
  Article,
  ArticleListItem,
  ArticleCreate,
  ArticleUpdate,
  TranslationCreate,
  ...formatSchemas,
];
