// Idempotency-Key on POST: the first response is stored per credential for 24 h and replayed for
// retries of the same request; the same key with another request is refused.
import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { idempotencyKeys } from '../db/schema/index.js';
import { AppError, badRequest } from './errors.js';
import { problemResponses } from './schemas.js';

const TTL_MS = 24 * 3600 * 1000;
// A first request that never answered (crashed process) stops blocking its key after this long.
const ABANDONED_MS = 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when this request owns an idempotency record that its response must complete. */
    idempotencyRecord?: { credential: string; key: string };
  }
}

const credentialOf = (request: FastifyRequest) =>
  request.principal ? `${request.principal.kind}:${request.principal.id}` : `anonymous:${request.ip}`;

const fingerprintOf = (request: FastifyRequest) =>
  createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');

export function registerIdempotency(app: FastifyInstance) {
  // preValidation: after authentication (onRequest), with the body parsed, before the handler.
  app.addHook('preValidation', async (request, reply) => {
    if (request.method !== 'POST') return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw badRequest([{ pointer: '/headers/idempotency-key', detail: 'must be 1 to 255 visible ASCII characters' }]);
    }
    const now = app.now();
    const credential = credentialOf(request);
    const fingerprint = fingerprintOf(request);
    await app.db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - TTL_MS)));
    const inserted = await app.db
      .insert(idempotencyKeys)
      .values({ credential, key, fingerprint, createdAt: now })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length) {
      request.idempotencyRecord = { credential, key };
      return;
    }
    const where = and(eq(idempotencyKeys.credential, credential), eq(idempotencyKeys.key, key));
    const [stored] = await app.db.select().from(idempotencyKeys).where(where);
    if (!stored) return; // expired and removed between the two statements: run normally
    if (stored.fingerprint !== fingerprint) {
      throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'Unprocessable Entity', 'This Idempotency-Key was used for a different request.', [
        { pointer: '/headers/idempotency-key', detail: 'was already used with another method, path or body' },
      ]);
    }
    if (stored.responseStatus === null) {
      if (now.getTime() - stored.createdAt.getTime() < ABANDONED_MS) {
        reply.header('retry-after', '1');
        throw new AppError(409, 'IDEMPOTENCY_IN_PROGRESS', 'Conflict', 'The first request with this Idempotency-Key is still running; retry shortly.');
      }
      await app.db.update(idempotencyKeys).set({ createdAt: now }).where(where);
      request.idempotencyRecord = { credential, key };
      return;
    }
    for (const [name, value] of Object.entries(stored.responseHeaders ?? {})) reply.header(name, value);
    reply.header('idempotent-replayed', 'true');
    return reply.code(stored.responseStatus).send(stored.responseBody ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const record = request.idempotencyRecord;
    if (!record) return payload;
    request.idempotencyRecord = undefined;
    const where = and(eq(idempotencyKeys.credential, record.credential), eq(idempotencyKeys.key, record.key));
    if (reply.statusCode >= 500 || reply.statusCode === 429) {
      // Not a final answer: free the key so a retry runs the request again.
      await app.db.delete(idempotencyKeys).where(where);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await app.db
      .update(idempotencyKeys)
      .set({ responseStatus: reply.statusCode, responseBody: typeof payload === 'string' ? payload : String(payload ?? ''), responseHeaders: headers })
      .where(where);
    return payload;
  });
}

const IDEMPOTENCY_HEADER = {
  type: 'string',
  maxLength: 255,
  description:
    'Optional. Retries with the same key and body replay the first response (with `Idempotency-Replayed: true`) for 24 h; the same key with another body is a 422, and while the first request runs a 409.',
};

/** Swagger transform step: documents Idempotency-Key, and its 409/422, on every POST. */
export function documentIdempotency(method: string | string[], schema: Record<string, unknown> | undefined) {
  const methods = Array.isArray(method) ? method : [method];
  if (!schema || !methods.includes('POST') || schema.hide) return schema;
  const headers = (schema.headers as { type?: string; properties?: Record<string, unknown> } | undefined) ?? { type: 'object', properties: {} };
  const response = { ...problemResponses(409, 422), ...(schema.response as Record<string, unknown> | undefined) };
  return {
    ...schema,
    headers: { ...headers, type: 'object', properties: { ...headers.properties, 'idempotency-key': IDEMPOTENCY_HEADER } },
    response,
  };
}
