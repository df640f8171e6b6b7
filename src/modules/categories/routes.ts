// /v1/categories: the sections of the site, as a flat list or a tree.
import type { FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { surrogateKeys } from '../../http/caching.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { dbFor } from '../../http/read-db.js';
import { badRequest } from '../../http/errors.js';
import { listReply } from '../../http/list.js';
import {
  IdParams,
  IfMatchHeader,
  ItemEnvelope,
  ListEnvelope,
  NOT_MODIFIED,
  LocaleQuery,
  problemResponses,
  READ_ERRORS,
  ref,
  WRITE_ERRORS,
} from '../../http/schemas.js';
import { CategoryCreate, CategoryDetail, CategoryListQuery, CategoryNode, CategoryUpdate } from './schemas.js';
import {
  createCategory,
  deleteCategory,
  getCategory,
  listCategories,
  listCategoryTree,
  updateCategory,
} from './service.js';

const write = { onRequest: requireScope('content:write') };
// Scope first (401/403), then the precondition (428/400).
const writeExisting = { onRequest: [requireScope('content:write'), requireIfMatch] };
const tags = ['categories'];
const security = [{ bearerAuth: [] }];

/**
 * tree=true is never paginated, filtered or sorted. This runs before validation because
 * page[size] has a default that validation fills in, which would hide whether it was sent.
 */
async function refuseListParamsInTree(request: FastifyRequest) {
  const raw = request.query as Record<string, unknown>;
  if (String(raw.tree) !== 'true') return;
  const refused = Object.keys(raw).filter((k) => k === 'sort' || k.startsWith('page[') || k.startsWith('filter['));
  if (refused.length) {
    throw badRequest(refused.map((k) => ({ pointer: `/query/${k}`, detail: 'cannot be combined with tree=true (the tree is always whole)' })));
  }
}

export default async function categoryRoutes(app: App) {
  app.get(
    '/',
    {
      preValidation: refuseListParamsInTree,
      schema: {
        operationId: 'listCategories',
        summary: 'List categories, flat or as a tree',
        description:
          'Flat (default): a paginated list with filters and sort; items carry no `children`.\n\n' +
          '`tree=true`: every category at once for navigation. `data` holds the top-level categories, each with ' +
          '`children` nested to any depth, every level ordered by position then slug; `links` has only `self`. ' +
          'The tree is never paginated, so `page[*]`, `sort` and `filter[*]` are refused with 400 (pointer at the parameter); ' +
          '`locale` and `meta=total` (the number of categories) apply.',
        tags,
        querystring: CategoryListQuery,
        response: { 200: ListEnvelope(ref(CategoryNode)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      // Any category change can move a node of the tree or a row of the list.
      surrogateKeys(reply, ['categories']);
      if (q.tree) {
        const { roots, total } = await listCategoryTree(dbFor(request), q.locale);
        return { data: roots, meta: q.meta === 'total' ? { total } : {}, links: { self: request.url } };
      }
      return listReply(reply, await listCategories(dbFor(request), q, request.url), app.config.publicBaseUrl);
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getCategory',
        summary: 'Get a category with its parent chain',
        description: '`ancestors` lists the parent chain from the top-level section down, for breadcrumbs.',
        tags,
        params: IdParams,
        querystring: LocaleQuery,
        response: { 200: ItemEnvelope(ref(CategoryDetail)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const data = await getCategory(dbFor(request), request.params.id, request.query.locale);
      setVersion(reply, data.version);
      surrogateKeys(reply, [`category:${data.id}`, ...data.ancestors.map((a) => `category:${a.id}`)]);
      return { data };
    },
  );

  app.post(
    '/',
    {
      ...write,
      schema: {
        operationId: 'createCategory',
        summary: 'Create a category',
        description: 'A missing parent is a 422 at /body/parentId.',
        tags,
        security,
        body: ref(CategoryCreate),
        response: { 201: ItemEnvelope(ref(CategoryDetail)), ...problemResponses(...WRITE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const data = await createCategory(app.db, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      reply.code(201).header('location', `/v1/categories/${data.id}`);
      return { data };
    },
  );

  app.patch(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'updateCategory',
        summary: 'Update or move a category',
        description: 'A parent that is missing, the category itself or one of its descendants is a 422 at /body/parentId.',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        body: ref(CategoryUpdate),
        response: { 200: ItemEnvelope(ref(CategoryDetail)), ...problemResponses(...WRITE_ERRORS, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const data = await updateCategory(app.db, request.params.id, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      return { data };
    },
  );

  app.delete(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'deleteCategory',
        summary: 'Delete a category',
        description: 'Refused with 409 while it has subcategories or articles.',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problemResponses(400, 401, 403, 404, 409, 412, 414, 428, 500) },
      },
    },
    async (request, reply) => {
      await deleteCategory(app.db, request.params.id, requestContext(request, app.now()));
      return reply.code(204).send(null);
    },
  );
}
