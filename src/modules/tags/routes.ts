// /v1/tags: keywords attached to articles.
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { dbFor } from '../../http/read-db.js';
import { listReply } from '../../http/list.js';
import {
  IdParams,
  IfMatchHeader,
  ItemEnvelope,
  ListEnvelope,
  LocaleQuery,
  NOT_MODIFIED,
  problemResponses,
  READ_ERRORS,
  ref,
  WRITE_ERRORS,
} from '../../http/schemas.js';
import { Tag, TagCreate, TagListQuery, TagUpdate } from './schemas.js';
import { createTag, deleteTag, getTag, listTags, updateTag } from './service.js';
import { surrogateKeys } from '../../http/caching.js';

const write = { onRequest: requireScope('content:write') };
// Scope first (401/403), then the precondition (428/400).
const writeExisting = { onRequest: [requireScope('content:write'), requireIfMatch] };
const tags = ['tags'];
const security = [{ bearerAuth: [] }];

export default async function tagRoutes(app: App) {
  app.get(
    '/',
    {
      schema: {
        operationId: 'listTags',
        summary: 'List tags',
        tags,
        querystring: TagListQuery,
        response: { 200: ListEnvelope(ref(Tag)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const page = await listTags(dbFor(request), request.query, request.url);
      surrogateKeys(reply, ['tags', ...page.items.map((tag) => `tag:${tag.id}`)]);
      return listReply(reply, page, app.config.publicBaseUrl);
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getTag',
        summary: 'Get a tag',
        tags,
        params: IdParams,
        querystring: LocaleQuery,
        response: { 200: ItemEnvelope(ref(Tag)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const data = await getTag(dbFor(request), request.params.id, request.query.locale);
      setVersion(reply, data.version);
      surrogateKeys(reply, [`tag:${data.id}`]);
      return { data };
    },
  );

  app.post(
    '/',
    {
      ...write,
      schema: {
        operationId: 'createTag',
        summary: 'Create a tag',
        tags,
        security,
        body: ref(TagCreate),
        response: { 201: ItemEnvelope(ref(Tag)), ...problemResponses(...WRITE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const data = await createTag(app.db, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      reply.code(201).header('location', `/v1/tags/${data.id}`);
      return { data };
    },
  );

  app.patch(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'updateTag',
        summary: 'Update a tag',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        body: ref(TagUpdate),
        response: { 200: ItemEnvelope(ref(Tag)), ...problemResponses(...WRITE_ERRORS, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const data = await updateTag(app.db, request.params.id, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      return { data };
    },
  );

  app.delete(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'deleteTag',
        summary: 'Delete a tag',
        description: 'Refused with 409 while articles use the tag.',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problemResponses(400, 401, 403, 404, 409, 412, 414, 428, 500) },
      },
    },
    async (request, reply) => {
      await deleteTag(app.db, request.params.id, requestContext(request, app.now()));
      return reply.code(204).send(null);
    },
  );
}
