// /v1/articles: reads for front ends (published only when anonymous) and writes for editorial tools.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { canPreview, canReadDrafts, requireScope } from '../../http/auth.js';
import { articleKeys, surrogateKeys } from '../../http/caching.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { listReply } from '../../http/list.js';
import { dbFor } from '../../http/read-db.js';
import { IdParams, IfMatchHeader, ItemEnvelope, ListEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { badRequest } from '../../http/errors.js';
import { getSiteSettings } from '../site/service.js';
import { NewsArticle, Ninjs } from './format-schemas.js';
import { FORMAT_INCLUDE, MEDIA_TYPES, negotiateFormat, toNewsArticle, toNinjs } from './formats.js';
import { publicViewer } from './public.js';
import type { Viewer } from './visibility.js';
import type { Db } from '../../db/client.js';
import {
  type ArticleFields,
  type ArticleRead,
  type ArticleRow,
  getArticle,
  getArticleBySlug,
  listArticles,
  listTranslations,
  parseFields,
  parseInclude,
  pickTranslation,
  type ReadOptions,
} from './queries.js';
import {
  Article,
  ArticleByIdQuery,
  ArticleCreate,
  type ArticleFormat,
  ArticleGetQuery,
  ArticleListItem,
  ArticleListQuery,
  ArticleUpdate,
  BySlugParams,
  TranslationCreate,
  TranslationLink,
} from './schemas.js';
import { createArticle, createTranslation, deleteArticle, updateArticle } from './service.js';
import Type from 'typebox';

const tags = ['articles'];
const security = [{ bearerAuth: [] }];
const write = { onRequest: requireScope('content:write') };
// Scope first (401/403), then the precondition (428/400), as clients expect.
const writeExisting = { onRequest: [requireScope('content:write'), requireIfMatch] };
/** 200 of the single-article reads: one resource, three representations (?format or Accept picks). */
const articleRepresentations = {
  description: 'The article: the { data } envelope, or with ?format / Accept a schema.org NewsArticle (JSON-LD) or an IPTC ninjs 2.1 document.',
  content: {
    'application/json': { schema: ItemEnvelope(ref(ArticleListItem)) },
    'application/ld+json': { schema: ref(NewsArticle) },
    'application/vnd.iptc.ninjs+json': { schema: ref(Ninjs) },
  },
};
const readDescription =
  'Anonymous callers see only published articles whose publishedAt has passed, whose embargo has lifted and whose unpublishAt has not come; ' +
  'a token with preview:read also sees scheduled and embargoed ones, and one with content:read sees drafts too.';

export default async function articleRoutes(app: App) {
  const viewer = (request: FastifyRequest) => ({ canReadDrafts: canReadDrafts(request), canPreview: canPreview(request), now: app.now() });
  /** The full article as editors see it, for write responses, with the ETag of its new version. */
  const editorView = async (id: string, reply: FastifyReply) => {
    const { article, row } = await getArticle(app.db, id, {}, { canReadDrafts: true, now: app.now() });
    setVersion(reply, row.version);
    return article as Article;
  };
  /** include and fields shape the envelope; the other formats load every relation they map (the values are still checked). */
  const readOptions = (format: ArticleFormat, query: ArticleGetQuery): ReadOptions => {
    if (format === 'json') return query;
    parseInclude(query.include);
    parseFields(query.fields);
    return { include: FORMAT_INCLUDE };
  };
  /**
   * What every single-article read adds: the public versions of the story as hreflang alternates (unless a
   * sparse fieldset leaves them out) and the Surrogate-Key naming the article, its relations and its siblings.
   */
  const addAlternates = (reply: FastifyReply, { article, row, alternates }: ArticleRead, fields: string | undefined) => {
    if (!fields || fields.split(',').includes('alternates')) article.alternates = alternates;
    surrogateKeys(reply, [
      ...articleKeys({ ...article, id: row.id, locale: row.locale }),
      row.categoryId ? `category:${row.categoryId}` : null,
      // A sibling published or withdrawn changes this page's alternates and language switch.
      ...alternates.map((a) => `article:${a.id}`),
    ]);
  };
  /** Single reads load the story's public versions as alternates, in the statement that loads the relations. */
  const withAlternates = () => ({ now: app.now(), frontendUrlPattern: app.config.frontendUrlPattern });
  const formatContext = async (db: Db) => {
    const { settings } = await getSiteSettings(db);
    return { frontendUrlPattern: app.config.frontendUrlPattern, publicBaseUrl: app.config.publicBaseUrl, site: settings };
  };
  /** The schema.org NewsArticle of an article loaded with FORMAT_INCLUDE. */
  const newsArticle = async (db: Db, article: Article, row: ArticleRow) => {
    // JSON-LD ends up in public pages, so it links only the versions anyone may read, whoever asks.
    // A group has one article per site locale (at most 20), so one page holds it.
    const group = await listArticles(
      db,
      { 'filter[translationGroup]': row.translationGroupId, include: 'category', fields: 'locale,slug,category,publishedAt,firstPublishedAt', 'page[size]': 100 },
      '/v1/articles',
      publicViewer(app.now()),
    );
    return toNewsArticle(article, group.items, await formatContext(db));
  };
  /** The article as JSON-LD or ninjs, with its own media type; visibility and caching headers are the envelope's. */
  const sendFormat = async (reply: FastifyReply, format: Exclude<ArticleFormat, 'json'>, article: Article, row: ArticleRow) => {
    const db = dbFor(reply.request);
    reply.type(`${MEDIA_TYPES[format]}; charset=utf-8`);
    if (format === 'ninjs') return reply.send(toNinjs(article, row.version, await formatContext(db)));
    return reply.send(await newsArticle(db, article, row));
  };
  /**
   * include=jsonld (single reads only, format json): the ready NewsArticle object inside the envelope, so a
   * page's SEO head needs no extra request. Split off before the relations are parsed.
   */
  const splitJsonLd = <Q extends { include?: string }>(query: Q): { query: Q; jsonLd: boolean } => {
    const names = query.include ? query.include.split(',') : [];
    if (!names.includes('jsonld')) return { query, jsonLd: false };
    const rest = names.filter((n) => n !== 'jsonld').join(',');
    return { query: { ...query, include: rest || undefined }, jsonLd: true };
  };
  const embedJsonLd = async (db: Db, article: ArticleFields, row: ArticleRow, viewer: Viewer) => {
    const full = await getArticle(db, row.id, { include: FORMAT_INCLUDE }, viewer);
    article.jsonLd = await newsArticle(db, full.article as Article, row);
  };

  app.get(
    '/',
    {
      schema: {
        operationId: 'listArticles',
        summary: 'List articles',
        description: `${readDescription} Filters are ANDed; relation filters take an id or a slug.`,
        tags,
        querystring: ArticleListQuery,
        response: { 200: ListEnvelope(ref(ArticleListItem)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const page = await listArticles(dbFor(request), request.query, request.url, viewer(request));
      surrogateKeys(reply, ['articles', ...page.items.map((a) => `article:${a.id}`)]);
      return listReply(reply, page, app.config.publicBaseUrl);
    },
  );

  app.get(
    '/by-slug/:locale/:slug',
    {
      schema: {
        operationId: 'getArticleBySlug',
        summary: 'Get an article by locale and slug',
        description: readDescription,
        tags,
        params: BySlugParams,
        querystring: ArticleGetQuery,
        response: { 200: articleRepresentations, ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { query: q, jsonLd } = splitJsonLd(request.query);
      const format = negotiateFormat(q.format, request.headers.accept);
      const read = await getArticleBySlug(dbFor(request), request.params.locale, request.params.slug, readOptions(format, q), viewer(request), withAlternates());
      const { article, row } = read;
      reply.header('last-modified', row.updatedAt.toUTCString()).header('content-language', row.locale);
      setVersion(reply, row.version);
      addAlternates(reply, read, format === 'json' ? q.fields : undefined);
      if (format !== 'json') return sendFormat(reply, format, article as Article, row);
      if (jsonLd) await embedJsonLd(dbFor(request), article, row, viewer(request));
      return { data: article };
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getArticle',
        summary: 'Get an article',
        description:
          `${readDescription} With \`locale\` the story is served in that language (the version this id names or a sibling); ` +
          'with `fallback` too, in the fallback language when there is no such version. Then `meta` says `{ locale, fallbackUsed }` and ' +
          'Content-Language names the language served. There is never a silent fallback.',
        tags,
        params: IdParams,
        querystring: ArticleByIdQuery,
        response: { 200: articleRepresentations, ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { query: q, jsonLd } = splitJsonLd(request.query);
      if (q.fallback && !q.locale) {
        throw badRequest([{ pointer: '/query/fallback', detail: 'needs locale: it names the locale to serve when the story has none in `locale`' }]);
      }
      const format = negotiateFormat(q.format, request.headers.accept);
      const picked = q.locale ? await pickTranslation(dbFor(request), request.params.id, q.locale, q.fallback, viewer(request)) : undefined;
      const read = await getArticle(dbFor(request), picked?.id ?? request.params.id, readOptions(format, q), viewer(request), withAlternates());
      const { article, row } = read;
      reply.header('last-modified', row.updatedAt.toUTCString()).header('content-language', row.locale);
      setVersion(reply, row.version);
      addAlternates(reply, read, format === 'json' ? q.fields : undefined);
      if (format !== 'json') return sendFormat(reply, format, article as Article, row);
      if (jsonLd) await embedJsonLd(dbFor(request), article, row, viewer(request));
      return { data: article, ...(picked ? { meta: { locale: row.locale, fallbackUsed: picked.fallbackUsed } } : {}) };
    },
  );

  app.get(
    '/:id/translations',
    {
      schema: {
        operationId: 'listArticleTranslations',
        summary: 'The translation group of an article',
        description: 'Every version of the story the caller may see, this one included, by locale. ' + readDescription,
        tags,
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(ref(TranslationLink)) }), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request) => ({ data: await listTranslations(dbFor(request), request.params.id, viewer(request)) }),
  );

  app.post(
    '/',
    {
      ...write,
      schema: {
        operationId: 'createArticle',
        summary: 'Create an article',
        tags,
        security,
        body: ref(ArticleCreate),
        response: { 201: ItemEnvelope(ref(Article)), ...problemResponses(...WRITE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const { id } = await createArticle(app.db, request.body, requestContext(request, app.now()));
      reply.code(201).header('location', `/v1/articles/${id}`);
      return { data: await editorView(id, reply) };
    },
  );

  app.post(
    '/:id/translations',
    {
      ...write,
      schema: {
        operationId: 'createArticleTranslation',
        summary: 'Start a translation',
        description:
          'Creates a draft copy in another locale, linked to the same translation group, keeping category, tags, authors, sources and images. 409 if that locale exists.',
        tags,
        security,
        params: IdParams,
        body: ref(TranslationCreate),
        response: { 201: ItemEnvelope(ref(Article)), ...problemResponses(...WRITE_ERRORS, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { id } = await createTranslation(app.db, request.params.id, request.body, requestContext(request, app.now()));
      reply.code(201).header('location', `/v1/articles/${id}`);
      return { data: await editorView(id, reply) };
    },
  );

  app.patch(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'updateArticle',
        summary: 'Update an article',
        tags,
        security,
        params: IdParams,
        body: ref(ArticleUpdate),
        headers: IfMatchHeader,
        response: { 200: ItemEnvelope(ref(Article)), ...problemResponses(...WRITE_ERRORS, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      await updateArticle(app.db, request.params.id, request.body, requestContext(request, app.now()));
      return { data: await editorView(request.params.id, reply) };
    },
  );

  app.delete(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'deleteArticle',
        summary: 'Delete an article',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(400, 401, 403, 404, 412, 414, 428, 500) },
      },
    },
    async (request, reply) => {
      await deleteArticle(app.db, request.params.id, requestContext(request, app.now()));
      return reply.code(204).send(null);
    },
  );
}
