// Shapes shared by every module: the Problem document, envelopes, ids, pagination parameters.
import Type, { type Static, type TSchema } from 'typebox';

/** The schema, or null. */
export const Nullable = <T extends TSchema>(schema: T, options?: { description: string }) => Type.Union([schema, Type.Null()], options);

export const ProblemFieldError = Type.Object(
  {
    pointer: Type.String({ description: 'JSON Pointer into the request, e.g. /body/title or /query/page[size].' }),
    detail: Type.String(),
  },
  { $id: 'ProblemFieldError' },
);

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String({ description: 'The request path.' }),
    code: Type.String({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED, NOT_FOUND.' }),
    errors: Type.Optional(Type.Array(Type.Ref('ProblemFieldError'))),
    requestId: Type.String({ description: 'Matches the request id in the server log and the x-request-id header.' }),
  },
  {
    $id: 'Problem',
    additionalProperties: true,
    description: 'RFC 9457 problem details, served as application/problem+json.',
    examples: [
      {
        type: 'https://dateline.dev/problems/validation-failed',
        title: 'Bad Request',
        status: 400,
        detail: 'body/title must NOT have fewer than 1 characters',
        instance: '/v1/articles',
        code: 'VALIDATION_FAILED',
        errors: [{ pointer: '/body/title', detail: 'must NOT have fewer than 1 characters' }],
        requestId: 'req-1',
      },
    ],
  },
);

/** Schemas registered once with app.addSchema and referenced by $id. */
export const sharedSchemas = [ProblemFieldError, Problem];

/**
 * A $ref to a registered component that keeps the component's static type, so a route can say
 * `body: ref(SiteSettings)` and get a typed body while the spec shows a $ref.
 */
export const ref = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T>>(Type.Ref(String((schema as { $id?: string }).$id)));

export const Uuid = Type.String({ format: 'uuid', description: 'UUID (v7 for rows created by Dateline).' });
export const Slug = Type.String({
  pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  minLength: 1,
  maxLength: 120,
  description: 'Lower-case ASCII words joined by hyphens.',
});
export const LocaleCode = Type.String({
  pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
  maxLength: 35,
  description: 'BCP 47 language tag, e.g. en, zh, vi, zh-Hant.',
  examples: ['en'],
});
/** Text a reader sees in several languages: { "en": "Sports", "zh": "体育" }. */
export const Localized = (maxLength: number, description = 'Values per locale code.', minProperties = 0) =>
  Type.Record(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }), Type.String({ maxLength }), {
    minProperties,
    maxProperties: 50,
    description,
  });
export const Timestamp = Type.String({ format: 'date-time', examples: ['2025-08-14T12:02:00.000Z'] });
export const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });

/** `?locale=` for reads that localize names. */
export const LocaleQuery = Type.Object({ locale: Type.Optional(LocaleCode) }, { additionalProperties: false });

/** Declares If-Match for writes to one resource; requireIfMatch answers 428 when it is missing. */
export const IfMatchHeader = Type.Object({
  'if-match': Type.Optional(
    Type.String({ maxLength: 200, description: 'Required: the ETag from your last read of this resource (428 without it, 412 when stale).', examples: ['"v3-8fQx0a1b2c3d4e5f"'] }),
  ),
});

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** { data } envelope for a single item. */
export const ItemEnvelope = <T extends TSchema>(data: T, description = 'The resource, in the { data } envelope.') =>
  Type.Object({ data, meta: Type.Optional(Type.Object({}, { additionalProperties: true })) }, { description });

export const ListLinks = Type.Object({
  self: Type.String(),
  next: Type.Optional(Type.String()),
  prev: Type.Optional(Type.String()),
});

export const ListMeta = Type.Object({
  total: Type.Optional(Type.Integer({ description: 'Only when requested with meta=total.' })),
  page: Type.Optional(Type.Object({ size: Type.Integer(), number: Type.Optional(Type.Integer()) })),
});

/** { data: [], meta, links } envelope for a list. */
export const ListEnvelope = <T extends TSchema>(item: T) =>
  Type.Object(
    { data: Type.Array(item), meta: ListMeta, links: ListLinks },
    { description: 'One page of results; links.next / links.prev (and the Link header) lead to the neighbouring pages.' },
  );

export const PageSize = Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page (max 100).' });
export const Cursor = Type.String({ minLength: 1, maxLength: 512, description: 'Opaque cursor from links.next or links.prev.' });
export const MetaParam = Type.Enum(['total'], { description: 'meta=total adds meta.total (costs a count query).' });

/** Standard error responses for an operation; pass every status it can send. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Malformed request: bad parameter, body or JSON.',
    401: 'Missing, invalid, expired or revoked bearer token or session.',
    403: 'The credential lacks the needed scope, or the user\'s role does not allow this on this resource.',
    404: 'No such resource.',
    409: 'Conflicts with the current state (duplicate slug, row still in use).',
    412: 'If-Match names an older version: read the resource again (the problem carries the current etag).',
    413: 'Body larger than the configured limit.',
    414: 'URI or path parameter too long.',
    415: 'Unsupported Content-Type.',
    422: 'Well-formed but refers to missing rows or breaks a rule.',
    428: 'If-Match is required for this write.',
    429: 'Too many requests.',
    500: 'Unexpected error; details are in the server log under the request id.',
    503: 'The database is unreachable or the server is shutting down.',
  };
  const out: Record<number, { description: string; content: { 'application/problem+json': { schema: TSchema } } }> = {};
  for (const s of statuses) {
    out[s] = { description: descriptions[s] ?? 'Problem', content: { 'application/problem+json': { schema: Type.Ref('Problem') } } };
  }
  return out;
}

/** 304 for conditional GETs (If-None-Match / If-Modified-Since); every GET can answer it. */
export const NOT_MODIFIED = { 304: Type.Null({ description: 'Not modified: the cached copy named by If-None-Match or If-Modified-Since is current.' }) };

/** Statuses every read can answer with, whatever the route (401: a bad bearer token is refused, never read as anonymous). */
export const READ_ERRORS = [400, 401, 414, 500] as const;
/** Statuses every write with a JSON body can answer with. */
export const WRITE_ERRORS = [400, 401, 403, 413, 414, 415, 500] as const;
