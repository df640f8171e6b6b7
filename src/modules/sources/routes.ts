// /v1/sources: agencies, outlets and partners credited on articles.
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { dbFor } from '../../http/read-db.js';
import { listReply } from '../../http/list.js';
import { IdParams, IfMatchHeader, ItemEnvelope, ListEnvelope, NOT_MODIFIED, problemResponses, READ_ERRORS, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { Source, SourceCreate, SourceListQuery, SourceUpdate } from './schemas.js';
import { createSource, deleteSource, getSource, listSources, updateSource } from './service.js';
import { surrogateKeys } from '../../http/caching.js';

const write = { onRequest: requireScope('content:write') };
// Scope first (401/403), then the precondition (428/400).
const writeExisting = { onRequest: [requireScope('content:write'), requireIfMatch] };
const tags = ['sources'];
const security = [{ bearerAuth: [] }];

export default async function sourceRoutes(app: App) {
  app.get(
    '/',
    {
      schema: {
        operationId: 'listSources',
        summary: 'List sources',
        tags,
        querystring: SourceListQuery,
        response: { 200: ListEnvelope(ref(Source)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const page = await listSources(dbFor(request), request.query, request.url);
      surrogateKeys(reply, ['sources', ...page.items.map((source) => `source:${source.id}`)]);
      return listReply(reply, page, app.config.publicBaseUrl);
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getSource',
        summary: 'Get a source',
        tags,
        params: IdParams,
        response: { 200: ItemEnvelope(ref(Source)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const data = await getSource(dbFor(request), request.params.id);
      setVersion(reply, data.version);
      surrogateKeys(reply, [`source:${data.id}`]);
      return { data };
    },
  );

  app.post(
    '/',
    {
      ...write,
      schema: {
        operationId: 'createSource',
        summary: 'Create a source',
        tags,
        security,
        body: ref(SourceCreate),
        response: { 201: ItemEnvelope(ref(Source)), ...problemResponses(...WRITE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const data = await createSource(app.db, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      reply.code(201).header('location', `/v1/sources/${data.id}`);
      return { data };
    },
  );

  app.patch(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'updateSource',
        summary: 'Update a source',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        body: ref(SourceUpdate),
        response: { 200: ItemEnvelope(ref(Source)), ...problemResponses(...WRITE_ERRORS, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const data = await updateSource(app.db, request.params.id, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      return { data };
    },
  );

  app.delete(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'deleteSource',
        summary: 'Delete a source',
        description: 'Refused with 409 while articles cite the source.',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problemResponses(400, 401, 403, 404, 409, 412, 414, 428, 500) },
      },
    },
    async (request, reply) => {
      await deleteSource(app.db, request.params.id, requestContext(request, app.now()));
      return reply.code(204).send(null);
    },
  );
}
