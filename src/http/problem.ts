// Turns every failure (ours, ajv's, Fastify's, PostgreSQL's) into an RFC 9457 problem response.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from './errors.js';

const PROBLEM_BASE = 'https://dateline.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: FieldError[];
  requestId: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemBody(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
  extra?: Record<string, unknown>,
): ProblemBody {
  return {
    type: PROBLEM_BASE + code.toLowerCase().replace(/_/g, '-'),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0],
    code,
    ...(errors && errors.length ? { errors } : {}),
    requestId: String(request.id),
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, body: ProblemBody) {
  // Problems are never cached: they describe one request.
  return reply.code(body.status).type('application/problem+json').header('cache-control', 'no-store').send(body);
}

/**
 * Fastify's clientErrorHandler: requests Node's HTTP parser refuses (headers over 16 KiB, broken syntax, slow
 * senders) never become a FastifyRequest, so the problem is written to the socket by hand.
 */
export function clientErrorProblem(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'The request line and headers exceed 16 KiB.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'The request was not received in time.']
        : [400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1.'];
  const requestId = randomUUID();
  const body = JSON.stringify(problemBody({ url: '', id: requestId } as FastifyRequest, status, code, detail));
  this.log.info({ err: error, requestId, status }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' };

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** ajv errors → field errors with JSON Pointers into the request. */
export function validationFieldErrors(context: string, errors: AjvError[]): FieldError[] {
  const prefix = '/' + (CONTEXT_NAMES[context] ?? context);
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    let pointer = prefix + e.instancePath;
    let detail = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      pointer += '/' + String(e.params.missingProperty);
      detail = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      pointer += '/' + String(e.params.additionalProperty);
      detail = context === 'querystring' ? 'is not a known parameter' : 'is not an allowed field';
    } else if (e.keyword === 'enum') {
      detail = `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    }
    const key = pointer + detail;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, detail });
  }
  return out;
}

interface PgErrorLike {
  code?: string;
  constraint?: string;
  detail?: string;
  column?: string;
}

function findPgError(error: unknown): PgErrorLike | undefined {
  let e = error as { cause?: unknown; code?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e as PgErrorLike;
    e = e.cause as typeof e;
  }
  return undefined;
}

const snakeToCamel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Which request field a constraint guards, from drizzle-kit's naming: <table>_<column>_unique / _fk. */
function constraintPointer(constraint: string | undefined): string {
  if (!constraint) return '/body';
  if (constraint === 'articles_locale_slug_unique') return '/body/slug';
  if (constraint === 'articles_group_locale_unique') return '/body/locale';
  const unique = /^[a-z]+_([a-z_]+)_unique$/.exec(constraint);
  if (unique) return '/body/' + snakeToCamel(unique[1]);
  const fk = /^[a-z_]+?_([a-z]+_id)_[a-z_]+_id_fk$/.exec(constraint);
  if (fk) return '/body/' + snakeToCamel(fk[1]);
  return '/body';
}

/** Maps an error to (status, code, detail, errors). Unknown errors are 500 with no internals. */
export function problemFromError(error: unknown, request: FastifyRequest): ProblemBody {
  if (error instanceof AppError) {
    return problemBody(request, error.status, error.code, error.message, error.errors, error.extra);
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const errors = validationFieldErrors(fe.validationContext ?? 'body', fe.validation);
    return problemBody(request, 400, 'VALIDATION_FAILED', errors.map((e) => `${e.pointer} ${e.detail}`).join('; '), errors);
  }
  const pgError = findPgError(error);
  if (pgError) {
    const pointer = constraintPointer(pgError.constraint);
    switch (pgError.code) {
      case '23505':
        return problemBody(request, 409, 'CONFLICT', 'A resource with this value already exists.', [
          { pointer, detail: 'is already taken' },
        ]);
      case '23001': // ON DELETE RESTRICT
        return problemBody(request, 409, 'CONFLICT', 'The resource is still referenced by other resources.');
      case '23503':
        // Insert/update with a missing target is the caller's bad reference; delete of a row in use is a conflict.
        return request.method === 'DELETE'
          ? problemBody(request, 409, 'CONFLICT', 'The resource is still referenced by other resources.')
          : problemBody(request, 422, 'UNPROCESSABLE_ENTITY', 'A referenced resource does not exist.', [
              { pointer, detail: 'refers to a resource that does not exist' },
            ]);
      case '23502':
      case '23514':
        return problemBody(request, 422, 'UNPROCESSABLE_ENTITY', 'A value breaks a data rule.', [
          { pointer: pgError.column ? '/body/' + snakeToCamel(pgError.column) : '/body', detail: 'is not allowed' },
        ]);
      case '22P02':
      case '22001':
      case '22003':
      case '22007':
      case '22008':
      case '22021':
      case '22P05':
        return problemBody(request, 400, 'VALIDATION_FAILED', 'A value has the wrong form for storage.');
    }
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  if (status === 503) return problemBody(request, 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable.');
  if (status >= 500) {
    return problemBody(request, status, 'INTERNAL_ERROR', 'An unexpected error occurred. Quote the requestId when reporting it.');
  }
  const code = FRAMEWORK_CODES[fe.code] ?? (status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST');
  return problemBody(request, status, code, fe.message);
}

const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_BAD_URL: 'BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST',
};
