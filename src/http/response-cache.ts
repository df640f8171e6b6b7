// The opt-in response cache (RESPONSE_CACHE_MAX_ENTRIES > 0): public reads kept in this process's memory,
// emptied by every content change on any instance (PostgreSQL NOTIFY, see webhooks/outbox.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { CONTENT_CHANNEL } from '../modules/webhooks/outbox.js';
import { notModified, PRIVATE_CACHE_CONTROL } from './caching.js';

interface Entry {
  /** Outside the V8 heap, so cached bodies do not count against --max-old-space-size (the Dockerfile's limit). */
  body: Buffer;
  /** The response headers that belong to the representation (see STORED_HEADERS). */
  headers: Record<string, string>;
  etag: string;
  /** App-clock milliseconds: when the request that filled it started, and until when it may be served. */
  storedAt: number;
  expiresAt: number;
}

/** What a cached 200 needs to be the same response again. Per-request headers (request id, rate limits, CORS, helmet's) are set anew. */
const STORED_HEADERS = ['content-type', 'etag', 'last-modified', 'cache-control', 'surrogate-key', 'content-language', 'link', 'vary'];

/** A body larger than this is not worth the room it would take from many list pages. */
const MAX_ENTRY_BYTES = 1_048_576;

/** With read replicas: how long after a change the cache is emptied once more (see registerResponseCache). */
const REPLICA_CATCH_UP_MS = 1000;

/** When a public Cache-Control names no max-age: the default PUBLIC_CACHE_CONTROL's. */
const DEFAULT_MAX_AGE_SECONDS = 60;

/**
 * Public reads that are not cached: preview links show unpublished articles to whoever holds the link,
 * and the changes feed has its own short max-age and is read by cursor, so entries would rarely be hit.
 */
const EXCLUDED = (path: string) => path.startsWith('/v1/preview/') || path === '/v1/changes' || path.startsWith('/v1/changes/');

/**
 * Serves repeated anonymous and public-key GET/HEAD requests under /v1 from memory, after authentication and
 * the rate limits (their onRequest hook runs first) and before validation and the handler.
 *
 * The key is the path, the query parameters sorted by name (repeated ones keep their order) and the trimmed
 * Accept header: those are all an anonymous response depends on (caching.ts sends Vary: Authorization,
 * Accept, and requests with a token never reach the cache). Only 200s with a public Cache-Control are kept,
 * so anonymous reads fill the cache; public-key reads are served from it too (they see what anonymous
 * callers see) but do not fill it, since their responses are private.
 *
 * Invalidation: any content change empties the whole cache (lists depend on everything). Every write emits
 * a NOTIFY on CONTENT_CHANNEL inside its transaction, delivered to every instance at commit; a successful
 * write answered here also empties it at once, before its response leaves, so the writer's next read is
 * fresh. A response computed while the cache was emptied is not stored (the generation counter), since it
 * may hold what was there before. Entries also expire after the response's own max-age on the app clock,
 * which bounds staleness from time passing without a write (an embargo lifting before the scheduler's next
 * pass) or a notification lost while the listener reconnected (it empties the cache when back, too).
 *
 * With read replicas (DATABASE_READ_URL) a miss just after a change may read a replica that has not replayed
 * it yet and store the old version; so the cache is emptied once more REPLICA_CATCH_UP_MS after the last
 * change. A replica lagging further than that can leave an entry stale until its max-age.
 */
export function registerResponseCache(app: FastifyInstance) {
  const { maxEntries, maxBytes } = app.config.responseCache;
  const cache = new LRUCache<string, Entry>({
    max: maxEntries,
    maxSize: maxBytes,
    maxEntrySize: Math.min(MAX_ENTRY_BYTES, maxBytes),
    sizeCalculation: (entry) => Math.max(1, entry.body.length),
  });
  let generation = 0;
  const invalidate = () => {
    cache.clear();
    generation++;
  };
  const replicas = app.config.databaseReadUrls.length > 0;
  let catchUp: NodeJS.Timeout | undefined;
  const contentChanged = () => {
    invalidate();
    if (!replicas) return;
    clearTimeout(catchUp);
    catchUp = setTimeout(invalidate, REPLICA_CATCH_UP_MS);
    catchUp.unref();
  };
  /** GET requests that missed, waiting for their response: what to store it under and the generation they read in. */
  const pending = new WeakMap<FastifyRequest, { key: string; generation: number; startedAt: number }>();

  app.addHook('onRequest', async (request, reply) => {
    const key = cacheKey(request);
    if (key === undefined) return;
    const now = app.now().getTime();
    const entry = cache.get(key);
    // A clock set back (tests do it) makes an entry from its future stale too.
    if (entry && now >= entry.storedAt && now < entry.expiresAt) {
      reply.fromResponseCache = true;
      reply.headers(entry.headers);
      if (request.principal) {
        // A public key reads what anonymous callers read, but caching.ts marks anything read with a credential
        // private (RFC 9111 §3.5), without Surrogate-Key: the same headers as its uncached response.
        reply.header('cache-control', PRIVATE_CACHE_CONTROL);
        reply.removeHeader('surrogate-key');
      }
      reply.header('x-cache', 'HIT');
      // The same answer caching.ts gives a computed response with these validators.
      if (notModified(request, reply, entry.etag)) {
        reply.removeHeader('content-type');
        return reply.code(304).send();
      }
      return reply.code(200).send(entry.body);
    }
    if (entry) cache.delete(key);
    // HEAD shares GET's entries but does not fill them: the body it gets is not sent.
    if (request.method === 'GET') pending.set(request, { key, generation, startedAt: now });
  });

  // Registered after caching.ts's onSend, so the ETag, Cache-Control and Surrogate-Key are final here.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.fromResponseCache) return payload;
    const method = request.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      // The write has committed (handlers return after their transaction): drop what it may have changed
      // now, rather than when its notification comes back from the database a moment later.
      if (reply.statusCode >= 200 && reply.statusCode < 300) contentChanged();
      return payload;
    }
    const fill = pending.get(request);
    if (!fill) return payload;
    reply.header('x-cache', 'MISS');
    if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const cacheControl = String(reply.getHeader('cache-control') ?? '');
    if (!cacheControl.startsWith('public')) return payload;
    const etag = reply.getHeader('etag');
    if (typeof etag !== 'string' || fill.generation !== generation) return payload;
    const maxAge = maxAgeSeconds(cacheControl);
    if (maxAge <= 0) return payload;
    const headers: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    // Bodies over maxEntrySize are refused by the LRU itself.
    // An unpooled copy: a small Buffer.from() would share, and keep alive, an 8 KB slab of Node's pool.
    const body = Buffer.allocUnsafeSlow(Buffer.byteLength(payload));
    if (typeof payload === 'string') body.write(payload);
    else payload.copy(body);
    cache.set(fill.key, { body, headers, etag, storedAt: fill.startedAt, expiresAt: fill.startedAt + maxAge * 1000 });
    return payload;
  });

  let stopListening: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopListening = await app.database.listen(
      CONTENT_CHANNEL,
      (payload) => {
        contentChanged();
        if (payload === null) app.log.info('response cache: listening for content changes again; emptied the cache, since changes may have been missed');
      },
      (err) => app.log.warn({ err }, 'response cache: the connection listening for content changes failed; reconnecting'),
    );
  });
  app.addHook('onClose', async () => {
    clearTimeout(catchUp);
    await stopListening?.();
  });
}

/** The cache key of a request that may be served from the cache, or undefined when it may not. */
function cacheKey(request: FastifyRequest): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  // A public read key sees exactly what anonymous callers see; any other credential may see drafts.
  if (request.principal && request.principal.kind !== 'public') return undefined;
  const url = request.url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.startsWith('/v1/') || EXCLUDED(path)) return undefined;
  const query = q === -1 ? '' : sortedQuery(url.slice(q + 1));
  return `${path}?${query}\n${(request.headers.accept ?? '').trim()}`;
}

/** a=1&b=2 and b=2&a=1 are one entry. Sorted by name only, and stably: the order of a repeated parameter is kept, as it can matter. */
function sortedQuery(query: string): string {
  const name = (pair: string) => {
    const eq = pair.indexOf('=');
    return eq === -1 ? pair : pair.slice(0, eq);
  };
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .sort((a, b) => {
      const x = name(a);
      const y = name(b);
      return x < y ? -1 : x > y ? 1 : 0;
    })
    .join('&');
}

/** max-age of a Cache-Control value: the freshness every client is promised (s-maxage, for CDNs, is longer by default). */
function maxAgeSeconds(cacheControl: string): number {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return match ? Number(match[1]) : DEFAULT_MAX_AGE_SECONDS;
}
