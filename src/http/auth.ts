// Bearer-token authentication (API tokens, public read keys, login sessions), scope checks, and the
// rate limits for public keys and anonymous callers, as hooks.
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
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
  const limit = await publicLimiters(app);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined) return limit.anonymous(request, reply);
    const match = /^Bearer ([A-Za-z0-9_\-.~+/]{16,200}=*)$/.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".');
    // The prefix says where the secret lives: dls_ login sessions, anything else API tokens and public keys.
    const secret = match[1];
    const now = app.now();
    const principal = secret.startsWith(SESSION_PREFIX) ? await authenticateSession(app.db, secret, now) : await authenticateToken(app.db, secret, now);
    if (!principal) throw unauthorized('The token is invalid, expired or revoked.');
    request.principal = principal;
    if (principal.kind === 'public') await limit.publicKey(request, reply);
  });
}

/**
 * Rate limits for the public side, counted with @fastify/rate-limit in this instance's memory, or in Redis
 * (REDIS_URL) shared by every instance: each public read key gets PUBLIC_KEY_RATE_LIMIT requests a minute,
 * each anonymous client IP ANONYMOUS_RATE_LIMIT on /v1 (health probes and the docs page are not counted). Limited responses carry RateLimit-Policy and
 * RateLimit (IETF httpapi-ratelimit-headers); past the limit a 429 problem with Retry-After.
 * API tokens and sessions are not limited: they belong to the newsroom's own tools.
 */
async function publicLimiters(app: FastifyInstance) {
  // global: false: the plugin adds no hook of its own; the auth hook calls the limiters.
  await app.register(rateLimit, { global: false, ...(await sharedStore(app)) });
  // Any route can answer 429: say so in the spec without editing every module.
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (!response || route.schema?.hide || '429' in response) return;
    route.schema = { ...route.schema, response: { ...response, 429: TOO_MANY } };
  });
  const limiter = (policy: string, max: number, key: (request: FastifyRequest) => string, who: string) => {
    const check = app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: key });
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await check(request);
      if (result.isAllowed) return;
      reply.header('ratelimit-policy', `"${policy}";q=${max};w=60`);
      reply.header('ratelimit', `"${policy}";r=${result.remaining};t=${result.ttlInSeconds}`);
      if (!result.isExceeded) return;
      reply.header('retry-after', String(Math.max(result.ttlInSeconds, 1)));
      throw new AppError(429, 'TOO_MANY_REQUESTS', 'Too Many Requests', `${who} is over its limit of ${max} requests a minute.`);
    };
  };
  const perKey = limiter('public-key', app.config.publicKeyRateLimit, (request) => request.principal!.id, 'This public key');
  const max = app.config.anonymousRateLimit;
  const perIp = max > 0 ? limiter('anonymous', max, (request) => request.ip, 'This client address') : undefined;
  return {
    publicKey: perKey,
    anonymous: async (request: FastifyRequest, reply: FastifyReply) => {
      if (perIp && request.url.startsWith('/v1/')) await perIp(request, reply);
    },
  };
}

/**
 * With REDIS_URL the counts live in Redis, so a client gets its limit once across all instances, not once
 * per instance. If Redis cannot be reached the request is let through (skipOnError) and the error logged:
 * a rate limiter must not take the API down with it.
 */
async function sharedStore(app: FastifyInstance) {
  if (!app.config.redisUrl) return {};
  const redis = new Redis(app.config.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', (err) => app.log.warn({ err: err.message }, 'rate limits: Redis unavailable; requests are not limited meanwhile'));
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  await redis.connect().catch(() => {});
  return { redis, nameSpace: 'dateline:ratelimit:', skipOnError: true };
}

const TOO_MANY = {
  description:
    'Too many requests: an anonymous client address or a public read key over its per-minute limit. Retry-After, RateLimit and RateLimit-Policy say when to retry.',
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
