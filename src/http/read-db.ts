// Which database a read goes to: public reads to a read replica (DATABASE_READ_URL), everything else to the primary.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';

/** The database each request was given, so all the queries of one response read the same replica. */
const chosen = new WeakMap<FastifyRequest, Db>();

/**
 * The database a GET handler reads with. Anonymous and public-key GET/HEAD requests read a replica (the next in
 * turn; the primary when there are none): they see only public content, which a CDN serves minutes old anyway, so
 * a replica a moment behind changes nothing for them. A request with an API token or a login session reads the
 * primary, so an editor sees their own write at once (read-your-own-writes). Writes use app.db, never this.
 */
export function dbFor(request: FastifyRequest): Db {
  const app = request.server;
  const method = request.method;
  const publicRead = (method === 'GET' || method === 'HEAD') && (request.principal === null || request.principal.kind === 'public');
  if (!publicRead) return app.db;
  let db = chosen.get(request);
  if (!db) {
    db = app.readDb();
    chosen.set(request, db);
  }
  return db;
}
