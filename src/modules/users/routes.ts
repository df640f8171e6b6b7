// /v1/users: newsroom accounts (scope users:manage, i.e. admins). There is no DELETE: PATCH {"active": false} deactivates.
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { requestContext } from '../../http/context.js';
import { listReply } from '../../http/list.js';
import { IdParams, ItemEnvelope, ListEnvelope, problemResponses, READ_ERRORS, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { User, UserCreate, UserListQuery, UserUpdate } from './schemas.js';
import { createUser, getUser, listUsers, updateUser } from './service.js';

const manage = { onRequest: requireScope('users:manage') };
const tags = ['users'];
const security = [{ bearerAuth: [] }];
const needs = 'Needs the users:manage scope (admins have it).';

export default async function userRoutes(app: App) {
  app.get(
    '/',
    {
      ...manage,
      schema: {
        operationId: 'listUsers',
        summary: 'List users',
        description: needs,
        tags,
        security,
        querystring: UserListQuery,
        response: { 200: ListEnvelope(ref(User)), ...problemResponses(...READ_ERRORS, 403) },
      },
    },
    async (request, reply) => listReply(reply, await listUsers(app.db, request.query, request.url), app.config.publicBaseUrl),
  );

  app.get(
    '/:id',
    {
      ...manage,
      schema: {
        operationId: 'getUser',
        summary: 'Get a user',
        description: needs,
        tags,
        security,
        params: IdParams,
        response: { 200: ItemEnvelope(ref(User)), ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request) => ({ data: await getUser(app.db, request.params.id) }),
  );

  app.post(
    '/',
    {
      ...manage,
      schema: {
        operationId: 'createUser',
        summary: 'Create a user',
        description: `409 when the email (or the author profile) is taken; 422 when authorId names no author. ${needs}`,
        tags,
        security,
        body: ref(UserCreate),
        response: { 201: ItemEnvelope(ref(User)), ...problemResponses(...WRITE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const data = await createUser(app.db, request.body, requestContext(request, app.now()));
      reply.code(201).header('location', `/v1/users/${data.id}`);
      return { data };
    },
  );

  app.patch(
    '/:id',
    {
      ...manage,
      schema: {
        operationId: 'updateUser',
        summary: 'Update a user: role, password, author link, or deactivate',
        description:
          '`{"active": false}` deactivates the account (users are never deleted, so the audit log keeps naming them): ' +
          'login is refused and every session stops working at once. A new password also ends every session. ' +
          `The last active admin cannot be demoted or deactivated (409). ${needs}`,
        tags,
        security,
        params: IdParams,
        body: ref(UserUpdate),
        response: { 200: ItemEnvelope(ref(User)), ...problemResponses(...WRITE_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => ({ data: await updateUser(app.db, request.params.id, request.body, requestContext(request, app.now())) }),
  );
}
