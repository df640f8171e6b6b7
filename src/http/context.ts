// Who is writing, when and from where: passed to every service that changes data, for revisions and audit.
import type { FastifyRequest } from 'fastify';
import type { ActorValue } from '../db/schema/index.js';

export type Actor = ActorValue;

export interface WriteContext {
  now: Date;
  actor: Actor;
  ip: string | null;
  requestId: string | null;
  /** Set for logged-in users: role and author link decide what is "own". */
  user?: { id: string; role: 'admin' | 'editor' | 'author' | 'contributor'; authorId: string | null };
  /** The version named by If-Match; updates and deletes refuse with 412 when the row has moved on. */
  expectedVersion?: number;
}

/** For the seed, the scheduler, CLIs and tests: no request behind the change. */
export const systemContext = (now = new Date(), name = 'system'): WriteContext => ({
  now,
  actor: { type: 'system', id: null, name },
  ip: null,
  requestId: null,
});

export function requestContext(request: FastifyRequest, now: Date): WriteContext {
  const p = request.principal;
  const actor: Actor = !p
    ? { type: 'system', id: null, name: 'anonymous' }
    : p.kind === 'session' && p.user
      ? { type: 'user', id: p.user.id, name: p.name }
      : { type: 'token', id: p.id, name: p.name };
  return { now, actor, ip: request.ip ?? null, requestId: String(request.id), user: p?.user, expectedVersion: request.expectedVersion };
}
