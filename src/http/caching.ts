// HTTP caching for reads: strong ETag, 304 on If-None-Match / If-Modified-Since, Cache-Control and Vary.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyReply {
    /** What a public response depends on, for the Surrogate-Key header (see surrogateKeys()). */
    surrogateKeys?: Set<string>;
    /** Set when the response cache answered: its stored headers and ETag are final, and it did the 304 itself. */
    fromResponseCache?: boolean;
  }
}

export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** RFC 9110 §13.1.2: If-None-Match holds "*" or a list of entity tags, weak ones compared weakly. */
function matchesIfNoneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Whether the request's validators match: If-None-Match against the ETag, else If-Modified-Since against the reply's Last-Modified. */
export function notModified(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  const inm = request.headers['if-none-match'];
  if (inm !== undefined) return matchesIfNoneMatch(inm, etag);
  // If-Modified-Since counts only when no If-None-Match was sent (RFC 9110 §13.1.3).
  const ims = request.headers['if-modified-since'];
  const lastModified = reply.getHeader('last-modified');
  if (ims && typeof lastModified === 'string') {
    const since = Date.parse(ims);
    const modified = Date.parse(lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

/** Strong ETag: the row version (when the response is one resource) plus a hash of these exact bytes. */
function etagOf(reply: FastifyReply, payload: unknown): string {
  const hash = typeof payload === 'string' || Buffer.isBuffer(payload) ? createHash('sha1').update(payload).digest('base64url').slice(0, 16) : 'x';
  return reply.resourceVersion !== undefined ? `"v${reply.resourceVersion}-${hash}"` : `"${hash}"`;
}

/**
 * Names what a public response depends on, so a CDN (Fastly, Varnish xkey, Cloudflare Cache-Tag via a
 * worker) can purge exactly the pages a change touches: `article:<id>`, `category:<id>`, `tag:<id>`,
 * `author:<id>`, `source:<id>`, `locale:<code>`, `site`, and a collection key for any list
 * (`articles`, `categories`, `tags`, `authors`, `sources`) that a new item would join. Called by routes,
 * repeatedly if need be; sent only on public (cacheable) 200 responses.
 */
export function surrogateKeys(reply: FastifyReply, keys: Iterable<string | null | undefined>) {
  reply.surrogateKeys ??= new Set();
  for (const key of keys) if (key) reply.surrogateKeys.add(key);
}

/** The keys of an article as the API shows it: itself, its locale, category, tags, authors and sources. */
export function articleKeys(article: {
  id: string;
  locale?: string;
  category?: { id: string } | null;
  tags?: Array<{ id: string }>;
  authors?: Array<{ id: string }>;
  sources?: Array<{ id: string }>;
}): string[] {
  return [
    `article:${article.id}`,
    article.locale ? `locale:${article.locale}` : null,
    article.category ? `category:${article.category.id}` : null,
    ...(article.tags ?? []).map((t) => `tag:${t.id}`),
    ...(article.authors ?? []).map((a) => `author:${a.id}`),
    ...(article.sources ?? []).map((s) => `source:${s.id}`),
  ].filter((k): k is string => k !== null);
}

export function registerCaching(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.fromResponseCache) return payload;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', PRIVATE_CACHE_CONTROL);
      // Writes answer with the new version, ready for the next If-Match.
      if (reply.resourceVersion !== undefined && reply.statusCode < 300) reply.header('etag', etagOf(reply, payload));
      return payload;
    }
    if (reply.statusCode !== 200) return payload;
    // Authenticated responses may hold drafts: never let a shared cache keep them.
    if (!reply.hasHeader('cache-control')) {
      reply.header('cache-control', request.principal ? PRIVATE_CACHE_CONTROL : app.config.publicCacheControl);
    }
    reply.header('vary', 'Authorization, Accept');
    const publicResponse = String(reply.getHeader('cache-control')).startsWith('public');
    if (publicResponse && reply.surrogateKeys?.size) reply.header('surrogate-key', [...reply.surrogateKeys].join(' '));
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = etagOf(reply, payload);
    reply.header('etag', etag);
    if (notModified(request, reply, etag)) {
      reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      // null, not '': Fastify then sends no Content-Length, which a 304 must not carry as 0 (RFC 9110 §8.6).
      return null;
    }
    return payload;
  });
}
