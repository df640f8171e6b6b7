// /v1/tokens: API tokens and public read keys (scope tokens:manage).
import type { App } from '../../app.js';
import { requireScope, secretResponse } from '../../http/auth.js';
import { requestContext } from '../../http/context.js';
import { listReply } from '../../http/list.js';
import { IdParams, ItemEnvelope, ListEnvelope, problemResponses, READ_ERRORS, ref, WRITE_ERRORS } from '../../http/schemas.js';
import { ApiToken, ApiTokenCreate, ApiTokenCreated, ApiTokenListQuery } from './schemas.js';
import { getToken, issueToken, listTokens, revokeToken } from './service.js';

const manage = { onRequest: requireScope('tokens:manage') };
const tags = ['tokens'];
const security = [{ bearerAuth: [] }];
const needs = 'Needs the tokens:manage scope (admins have it).';

export default async function tokenRoutes(app: App) {
  app.get(
    '/',
    {
      ...manage,
      schema: {
        operationId: 'listTokens',
        summary: 'List API tokens and public read keys',
        description: `Never shows a secret or its hash. ${needs}`,
        tags,
        security,
        querystring: ApiTokenListQuery,
        response: { 200: ListEnvelope(ref(ApiToken)), ...problemResponses(...READ_ERRORS, 403) },
      },
    },
    async (request, reply) => listReply(reply, await listTokens(app.db, request.query, request.url), app.config.publicBaseUrl),
  );

  app.get(
    '/:id',
    {
      ...manage,
      schema: {
        operationId: 'getToken',
        summary: 'Get an API token',
        description: needs,
        tags,
        security,
        params: IdParams,
        response: { 200: ItemEnvelope(ref(ApiToken)), ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request) => ({ data: await getToken(app.db, request.params.id) }),
  );

  app.post(
    '/',
    {
      onRequest: [requireScope('tokens:manage'), secretResponse],
      schema: {
        operationId: 'createToken',
        summary: 'Create an API token or a public read key',
        description:
          'The response carries the secret, once: it is stored only as a hash. An api token gets the scopes listed ' +
          '(no more than the caller holds); a public read key gets none and reads like an anonymous caller, with its ' +
          `own rate limit (PUBLIC_KEY_RATE_LIMIT requests a minute). Idempotency-Key is ignored here: the secret is never ` +
          `stored for replay. ${needs}`,
        tags,
        security,
        body: ref(ApiTokenCreate),
        response: { 201: ItemEnvelope(ref(ApiTokenCreated)), ...problemResponses(...WRITE_ERRORS, 422) },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const data = await issueToken(app.db, request.body, principal.scopes, requestContext(request, app.now()));
      reply.code(201).header('location', `/v1/tokens/${data.id}`);
      return { data };
    },
  );

  app.post(
    '/:id/revoke',
    {
      ...manage,
      schema: {
        operationId: 'revokeToken',
        summary: 'Revoke an API token',
        description:
          'The token stops working at once, on every instance. Revoking is final; the row stays for the record ' +
          `(name, scopes, last use). Revoking a revoked token returns it unchanged. ${needs}`,
        tags,
        security,
        params: IdParams,
        response: { 200: ItemEnvelope(ref(ApiToken)), ...problemResponses(400, 401, 403, 404, 413, 414, 415, 500) },
      },
    },
    async (request) => ({ data: await revokeToken(app.db, request.params.id, requestContext(request, app.now())) }),
  );
}
