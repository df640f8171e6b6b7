// Optimistic concurrency: ETags carry the row version; writes to one resource need a matching If-Match.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest } from './errors.js';
import type { WriteContext } from './context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The row version named by If-Match; set by requireIfMatch. */
    expectedVersion?: number;
  }
  interface FastifyReply {
    /** Row version of the single resource in this response; the ETag is built from it. */
    resourceVersion?: number;
  }
}

/** `"v7"` names version 7; the ETag of a representation is `"v7-<hash of the body>"`. */
export const versionTag = (version: number) => `"v${version}"`;

const TAG = /^(?:W\/)?"v(\d{1,9})(?:-[A-Za-z0-9_-]*)?"$/;

/** onRequest hook (after requireScope) for PATCH, DELETE and actions on one resource: If-Match is required (RFC 9110 §13.1.1). */
export async function requireIfMatch(request: FastifyRequest) {
  const header = request.headers['if-match'];
  if (header === undefined) {
    throw new AppError(428, 'PRECONDITION_REQUIRED', 'Precondition Required', 'Send If-Match with the ETag you last read, so concurrent edits are not lost.', [
      { pointer: '/headers/if-match', detail: 'is required' },
    ]);
  }
  const match = TAG.exec(header.trim());
  if (!match) {
    throw badRequest([{ pointer: '/headers/if-match', detail: 'must be one ETag of this resource, e.g. "v3-…"' }]);
  }
  request.expectedVersion = Number(match[1]);
}

/** Throws 412 with the current ETag when the caller's If-Match names another version. */
export function checkVersion(current: number, ctx: Pick<WriteContext, 'expectedVersion'>) {
  if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== current) throw preconditionFailed(current);
}

export const preconditionFailed = (current: number) =>
  new AppError(
    412,
    'PRECONDITION_FAILED',
    'Precondition Failed',
    'The resource changed since you read it: read it again and re-apply your change.',
    [{ pointer: '/headers/if-match', detail: `does not match the current version (${versionTag(current)})` }],
    { etag: versionTag(current) },
  );

/** Marks a single-resource response so the caching hook gives it a versioned ETag. */
export function setVersion(reply: FastifyReply, version: number) {
  reply.resourceVersion = version;
}

/** A service result that also carries its row version, for setVersion; the response schema drops the field. */
export type Versioned<T> = T & { version: number };
