// Bearer-token authentication (API tokens, public read keys, login sessions), scope checks, and the
// public-key rate limit, as hooks.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { authenticateSession, SESSION_PREFIX } from '../modules/auth/service.js';
import { authenticateToken, type Principal, type Scope } from '../modules/tokens/service.js';
import { AppError, forbidden, unauthorized } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated token, or null for anonymous (public) requests. */
    principal: Principal | null;
  }
}

/**
 * Reads the Authorization header once per request; a malformed or unknown token is a 401, never anonymous.
 * Every request reads the credential's row, so revocation, expiry (on the app clock) and deactivation apply at once.
 */
export async function registerAuth(app: FastifyInstance) {
  app.decorateRequest('principal', null);
  const limitPublicKey = await publicKeyLimiter(app);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined) return;
    const match = /^Bearer ([A-Za-z0-9_\-.~+/]{16,200}=*)$/.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".');
    // The prefix says where the secret lives: dls_ login sessions, anything else API tokens and public keys.
    const secret = match[1];
    const now = app.now();
    const principal = secret.startsWith(SESSION_PREFIX) ? await authenticateSession(app.db, secret, now) : await authenticateToken(app.db, secret, now);
    if (!principal) throw unauthorized('The token is invalid, expired or revoked.');
    request.principal = principal;
    if (principal.kind === 'public') await limitPublicKey(request, reply);
  });
}

const RATE_LIMIT_POLICY = 'public-key';

/**
 * Public read keys get their own budget (PUBLIC_KEY_RATE_LIMIT a minute, counted per key, in this
 * instance's memory), with RateLimit-Policy / RateLimit headers (IETF httpapi-ratelimit-headers) on
 * every response and a 429 problem with Retry-After past it. Other callers are not limited here.
 */
async function publicKeyLimiter(app: FastifyInstance) {
  // global: false: the plugin adds no hook of its own; the auth hook calls the limiter for public keys only.
  await app.register(rateLimit, { global: false });
  const max = app.config.publicKeyRateLimit;
  const limiter = app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: (request) => request.principal!.id });
  // Any route can answer 429 to a public key: say so in the spec without editing every module.
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (!response || route.schema?.hide || '429' in response) return;
    route.schema = { ...route.schema, response: { ...response, 429: TOO_MANY_FOR_KEY } };
  });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await limiter(request);
    if (result.isAllowed) return;
    reply.header('ratelimit-policy', `"${RATE_LIMIT_POLICY}";q=${max};w=60`);
    reply.header('ratelimit', `"${RATE_LIMIT_POLICY}";r=${result.remaining};t=${result.ttlInSeconds}`);
    if (!result.isExceeded) return;
    reply.header('retry-after', String(Math.max(result.ttlInSeconds, 1)));
    throw new AppError(429, 'TOO_MANY_REQUESTS', 'Too Many Requests', `This public key is over its limit of ${max} requests a minute.`);
  };
}

const TOO_MANY_FOR_KEY = {
  description: 'Too many requests: a public read key over its per-minute limit. Retry-After, RateLimit and RateLimit-Policy say when to retry.',
  content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
};

/** onRequest hook that demands a credential carrying the scope: runs before body validation, so 401/403 come first. */
export function requireScope(scope: Scope) {
  return async (request: FastifyRequest) => {
    const p = request.principal;
    if (!p) throw unauthorized();
    if (p.scopes.includes(scope)) return;
    if (p.kind === 'session') throw forbidden(`The ${p.user?.role} role lacks the "${scope}" scope.`);
    if (p.kind === 'public') throw forbidden(`A public read key only reads published content; this needs the "${scope}" scope.`);
    throw forbidden(`The token lacks the "${scope}" scope.`);
  };
}

/**
 * onRequest hook for POSTs whose response carries a secret (login, token creation): drops
 * Idempotency-Key, because replaying would mean storing the secret (and a fingerprint of the
 * password) in the idempotency table. Such a POST simply runs again.
 */
export async function secretResponse(request: FastifyRequest) {
  delete request.headers['idempotency-key'];
}

/** True when the caller may see unpublished content (drafts, scheduled, embargoed). Never a public read key: it reads as anonymous. */
export const canReadDrafts = (request: FastifyRequest) =>
  Boolean(
    request.principal &&
      request.principal.kind !== 'public' &&
      (request.principal.scopes.includes('content:read') || request.principal.scopes.includes('content:write')),
  );

/** True for partners with preview:read: scheduled and embargoed items too, but not drafts (see visibility.ts). */
export const canPreview = (request: FastifyRequest) =>
  Boolean(request.principal && request.principal.kind !== 'public' && request.principal.scopes.includes('preview:read'));
