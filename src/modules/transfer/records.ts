// The transfer format of `dateline export` and `dateline import`: one self-contained JSON record per line,
// pointing at other records by slug, never by id. Each record schema is made of the API's own input schemas.
import type { ValidateFunction } from 'ajv';
import Type, { type Static, type TSchema } from 'typebox';
import { LocaleCode, Nullable, sharedSchemas, Slug, Timestamp } from '../../http/schemas.js';
import { validationFieldErrors } from '../../http/problem.js';
import { BODY_VALIDATION, makeAjv } from '../../http/validation.js';
import { articleSchemas, ArticleCreate, ArticleStatus, AuthorRole, OriginalStory } from '../articles/schemas.js';
import { authorSchemas, AuthorCreate } from '../authors/schemas.js';
import { categorySchemas, CategoryCreate } from '../categories/schemas.js';
import { siteSchemas } from '../site/schemas.js';
import { sourceSchemas, SourceCreate } from '../sources/schemas.js';
import { tagSchemas, TagCreate } from '../tags/schemas.js';

const strict = { additionalProperties: false } as const;

/** An article named by what identifies it across databases. */
export const ArticleKey = Type.Object({ locale: LocaleCode, slug: Slug }, strict);
export type ArticleKey = Static<typeof ArticleKey>;

export const SiteRecord = Type.Object({ type: Type.Literal('site'), settings: Type.Ref('SiteSettings') }, strict);

export const CategoryRecord = Type.Object(
  {
    type: Type.Literal('category'),
    slug: Slug,
    parent: Type.Optional(Nullable(Slug)),
    position: CategoryCreate.properties.position,
    names: CategoryCreate.properties.names,
    descriptions: CategoryCreate.properties.descriptions,
  },
  strict,
);

export const TagRecord = Type.Object({ type: Type.Literal('tag'), slug: Slug, names: TagCreate.properties.names }, strict);

export const AuthorRecord = Type.Object({ type: Type.Literal('author'), ...AuthorCreate.properties, slug: Slug }, strict);

export const SourceRecord = Type.Object({ type: Type.Literal('source'), ...SourceCreate.properties, slug: Slug }, strict);

const api = ArticleCreate.properties;
const When = Type.Optional(Nullable(Timestamp));

export const ArticleRecord = Type.Object(
  {
    type: Type.Optional(Type.Literal('article')),
    locale: api.locale,
    slug: Slug,
    translationOf: Type.Optional(Nullable(ArticleKey)),
    title: api.title,
    seoTitle: api.seoTitle,
    lead: api.lead,
    body: api.body,
    status: Type.Optional(ArticleStatus),
    publishedAt: When,
    firstPublishedAt: When,
    publishAt: When,
    unpublishAt: When,
    embargoUntil: When,
    createdAt: Type.Optional(Timestamp),
    category: Type.Optional(Nullable(Slug)),
    tags: Type.Optional(Type.Array(Slug, { maxItems: 50, uniqueItems: true })),
    authors: Type.Optional(Type.Array(Type.Object({ slug: Slug, role: AuthorRole }, strict), { maxItems: 20 })),
    sources: Type.Optional(Type.Array(Slug, { maxItems: 30, uniqueItems: true })),
    coverImage: api.coverImage,
    datelinePlace: api.datelinePlace,
    // The API's OriginalStory, with the article it names (when in Dateline) as a key instead of an id.
    originalStory: Type.Optional(
      Nullable(
        Type.Object(
          {
            publisher: OriginalStory.properties.publisher,
            locale: OriginalStory.properties.locale,
            url: OriginalStory.properties.url,
            article: Type.Optional(ArticleKey),
          },
          strict,
        ),
      ),
    ),
    seo: api.seo,
    corrections: Type.Optional(Type.Array(Type.Object({ text: Type.String({ minLength: 1, maxLength: 5000 }), at: Timestamp }, strict), { maxItems: 100 })),
  },
  strict,
);

export type SiteRecord = { type: 'site'; settings: import('../site/schemas.js').SiteSettings };
export type CategoryRecord = Static<typeof CategoryRecord>;
export type TagRecord = Static<typeof TagRecord>;
export type AuthorRecord = Static<typeof AuthorRecord>;
export type SourceRecord = Static<typeof SourceRecord>;
export type ArticleRecord = Static<typeof ArticleRecord>;
export type TransferRecord = SiteRecord | CategoryRecord | TagRecord | AuthorRecord | SourceRecord | ArticleRecord;

export const RECORD_TYPES = ['site', 'category', 'tag', 'author', 'source', 'article'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const SCHEMAS: Record<RecordType, TSchema> = {
  site: SiteRecord,
  category: CategoryRecord,
  tag: TagRecord,
  author: AuthorRecord,
  source: SourceRecord,
  article: ArticleRecord,
};

let validators: { records: Record<RecordType, ValidateFunction>; articleCreate: ValidateFunction } | undefined;

function compiled() {
  if (!validators) {
    // The app's body validation, with the components these records refer to.
    const ajv = makeAjv([...sharedSchemas, ...siteSchemas, ...categorySchemas, ...tagSchemas, ...authorSchemas, ...sourceSchemas, ...articleSchemas], BODY_VALIDATION);
    const records = Object.fromEntries(RECORD_TYPES.map((type) => [type, ajv.compile(SCHEMAS[type])])) as Record<RecordType, ValidateFunction>;
    validators = { records, articleCreate: ajv.compile(ArticleCreate) };
  }
  return validators;
}

/** A record that cannot be imported as it is; the message is the reason shown to the operator. */
export class RecordError extends Error {}

/** The ajv failure as the API words it (problem details' pointer and detail), the pointer relative to the record. */
function describe(validate: ValidateFunction): string {
  return validationFieldErrors('body', validate.errors ?? [])
    .map((e) => `${e.pointer.replace(/^\/body/, '') || '/'} ${e.detail}`)
    .join('; ');
}

/** Checks one parsed line against its type's schema; a record without "type" is an article. */
export function validateRecord(value: unknown): TransferRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordError('a record must be a JSON object');
  const type = (value as { type?: unknown }).type ?? 'article';
  if (!RECORD_TYPES.includes(type as RecordType)) throw new RecordError(`/type must be one of: ${RECORD_TYPES.join(', ')}`);
  const validate = compiled().records[type as RecordType];
  if (!validate(value)) throw new RecordError(describe(validate));
  return value as TransferRecord;
}

/** The article input the API would accept, once slugs are resolved to ids: the importer writes nothing the API could not. */
export function checkArticleInput(input: unknown): void {
  const validate = compiled().articleCreate;
  if (!validate(input)) throw new RecordError(describe(validate));
}

/** What a summary line names: "en/some-slug", "category sports". */
export function recordLabel(record: TransferRecord): string {
  const type = record.type ?? 'article';
  // Also for records that failed their schema: any field may be missing or of another type.
  const text = (v: unknown) => (typeof v === 'string' ? v : '?');
  const r = record as { locale?: unknown; slug?: unknown };
  if (type === 'article') return `${text(r.locale)}/${text(r.slug)}`;
  if (type === 'site') return 'site';
  return `${type} ${text(r.slug)}`;
}
