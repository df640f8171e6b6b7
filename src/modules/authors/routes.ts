// /v1/authors: bylines; emails only for authenticated callers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';
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
  NOT_MODIFIED,
  LocaleQuery,
  problemResponses,
  READ_ERRORS,
  ref,
  WRITE_ERRORS,
} from '../../http/schemas.js';
import { Author, AuthorCreate, AuthorListQuery, AuthorPrivate, AuthorUpdate } from './schemas.js';
import { createAuthor, deleteAuthor, getAuthor, listAuthors, updateAuthor } from './service.js';
import { surrogateKeys } from '../../http/caching.js';

const write = { onRequest: requireScope('content:write') };
// Scope first (401/403), then the precondition (428/400).
const writeExisting = { onRequest: [requireScope('content:write'), requireIfMatch] };
const tags = ['authors'];
const security = [{ bearerAuth: [] }];

const AuthorForCaller = Type.Union([ref(AuthorPrivate), ref(Author)], {
  description: 'AuthorPrivate (with email) when the request carries a valid token; Author (no email) otherwise.',
});
const PublicItem = ItemEnvelope(ref(Author));
const PublicList = ListEnvelope(ref(Author));

/** Any valid token may see emails; anonymous readers never do. */
const seesEmail = (request: FastifyRequest) => request.principal !== null;

/**
 * Answers anonymous callers through the public schema, which has no email field, so no email
 * can be serialized whatever the data holds. Problems (non-200) keep the default serializer.
 */
function servePublic(reply: FastifyReply, schema: TSchema) {
  const serialize = reply.compileSerializationSchema(schema as unknown as Record<string, unknown>, '200');
  reply.type('application/json; charset=utf-8').serializer((payload) => (reply.statusCode === 200 ? serialize(payload) : JSON.stringify(payload)));
}

export default async function authorRoutes(app: App) {
  app.get(
    '/',
    {
      schema: {
        operationId: 'listAuthors',
        summary: 'List authors',
        description: 'Items carry `email` only when the request is authenticated.',
        tags,
        querystring: AuthorListQuery,
        response: { 200: ListEnvelope(AuthorForCaller), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS) },
      },
    },
    async (request, reply) => {
      const withEmail = seesEmail(request);
      const page = await listAuthors(dbFor(request), request.query, request.url, withEmail);
      surrogateKeys(reply, ['authors', ...page.items.map((author) => `author:${author.id}`)]);
      if (!withEmail) servePublic(reply, PublicList);
      return listReply(reply, page, app.config.publicBaseUrl);
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getAuthor',
        summary: 'Get an author',
        description: '`email` is included only when the request is authenticated.',
        tags,
        params: IdParams,
        querystring: LocaleQuery,
        response: { 200: ItemEnvelope(AuthorForCaller), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const withEmail = seesEmail(request);
      const data = await getAuthor(dbFor(request), request.params.id, request.query.locale, withEmail);
      setVersion(reply, data.version);
      surrogateKeys(reply, [`author:${data.id}`]);
      if (!withEmail) servePublic(reply, PublicItem);
      return { data };
    },
  );

  app.post(
    '/',
    {
      ...write,
      schema: {
        operationId: 'createAuthor',
        summary: 'Create an author',
        tags,
        security,
        body: ref(AuthorCreate),
        response: { 201: ItemEnvelope(ref(AuthorPrivate)), ...problemResponses(...WRITE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const data = await createAuthor(app.db, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      reply.code(201).header('location', `/v1/authors/${data.id}`);
      return { data };
    },
  );

  app.patch(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'updateAuthor',
        summary: 'Update an author',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        body: ref(AuthorUpdate),
        response: { 200: ItemEnvelope(ref(AuthorPrivate)), ...problemResponses(...WRITE_ERRORS, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const data = await updateAuthor(app.db, request.params.id, request.body, requestContext(request, app.now()));
      setVersion(reply, data.version);
      return { data };
    },
  );

  app.delete(
    '/:id',
    {
      ...writeExisting,
      schema: {
        operationId: 'deleteAuthor',
        summary: 'Delete an author',
        description: 'Refused with 409 while articles credit the author.',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problemResponses(400, 401, 403, 404, 409, 412, 414, 428, 500) },
      },
    },
    async (request, reply) => {
      await deleteAuthor(app.db, request.params.id, requestContext(request, app.now()));
      return reply.code(204).send(null);
    },
  );
}
