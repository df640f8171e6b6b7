// Bearer-token authentication and scope checks, as route hooks.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateToken, type Principal, type Scope } from '../modules/tokens/service.js';
import { forbidden, unauthorized } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated token, or null for anonymous (public) requests. */
    principal: Principal | null;
  }
}

/** Reads the Authorization header once per request; a malformed or unknown token is a 401, never anonymous. */
export function registerAuth(app: FastifyInstance) {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return;
    const match = /^Bearer ([A-Za-z0-9_\-.~+/]{16,200}=*)$/.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".');
    const principal = await authenticateToken(app.db, match[1]);
    if (!principal) throw unauthorized('The token is invalid, expired or revoked.');
    request.principal = principal;
  });
}

/** preHandler that demands a token carrying the scope. */
export function requireScope(scope: Scope) {
  return async (request: FastifyRequest) => {
    if (!request.principal) throw unauthorized();
    if (!request.principal.scopes.includes(scope)) throw forbidden(`The token lacks the "${scope}" scope.`);
  };
}

/** True when the caller may see unpublished content (drafts, scheduled, embargoed). */
export const canReadDrafts = (request: FastifyRequest) =>
  Boolean(request.principal && (request.principal.scopes.includes('content:read') || request.principal.scopes.includes('content:write')));
