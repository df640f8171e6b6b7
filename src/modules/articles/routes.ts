// /v1/articles: reads for front ends (published only when anonymous) and writes for editorial tools.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { canPreview, canReadDrafts, requireScope } from '../../http/auth.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { listReply } from '../../http/list.js';
import { IdParams, IfMatchHeader, ItemEnvelope, ListEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { getArticle, getArticleBySlug, listArticles, listTranslations } from './queries.js';
import {
  Article,
  ArticleCreate,
  ArticleListItem,
  ArticleListQuery,
  ArticleReadQuery,
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
      const page = await listArticles(app.db, request.query, request.url, viewer(request));
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
        querystring: ArticleReadQuery,
        response: { 200: ItemEnvelope(ref(ArticleListItem)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { article, row } = await getArticleBySlug(app.db, request.params.locale, request.params.slug, request.query, viewer(request));
      reply.header('last-modified', row.updatedAt.toUTCString()).header('content-language', row.locale);
      setVersion(reply, row.version);
      return { data: article };
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getArticle',
        summary: 'Get an article',
        description: readDescription,
        tags,
        params: IdParams,
        querystring: ArticleReadQuery,
        response: { 200: ItemEnvelope(ref(ArticleListItem)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { article, row } = await getArticle(app.db, request.params.id, request.query, viewer(request));
      reply.header('last-modified', row.updatedAt.toUTCString()).header('content-language', row.locale);
      setVersion(reply, row.version);
      return { data: article };
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
    async (request) => ({ data: await listTranslations(app.db, request.params.id, viewer(request)) }),
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
