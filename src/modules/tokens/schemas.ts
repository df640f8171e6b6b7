// API token shapes: what /v1/tokens accepts and returns. The secret appears only in TokenCreated.
import Type, { type Static } from 'typebox';
import { listParams } from '../../http/list.js';
import { Timestamp, Uuid } from '../../http/schemas.js';
import { SCOPES } from './service.js';

export const ScopeName = Type.Enum([...SCOPES], { description: 'A permission a credential carries.' });

const TokenKind = Type.Enum(['api', 'public'], {
  description: 'api: a scoped credential for tools and scripts. public: a read key for browsers and partners; sees published content only, like an anonymous caller, with its own rate limit.',
});

const example = {
  id: '0198a1b2-0000-7000-8000-0000000000a1',
  name: 'Mobile app',
  kind: 'public',
  scopes: [],
  createdByUserId: '0198a1b2-0000-7000-8000-0000000000b1',
  createdAt: '2025-08-14T12:02:00.000Z',
  expiresAt: null,
  lastUsedAt: '2025-08-15T07:00:00.000Z',
  revokedAt: null,
};

export const ApiToken = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    kind: TokenKind,
    scopes: Type.Array(ScopeName),
    createdByUserId: Type.Union([Uuid, Type.Null()], { description: 'The user who created it; null for tokens made by the CLI or at start-up.' }),
    createdAt: Timestamp,
    expiresAt: Type.Union([Timestamp, Type.Null()]),
    lastUsedAt: Type.Union([Timestamp, Type.Null()], { description: 'Updated at most once a minute.' }),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'ApiToken', description: 'A token as listed: never its secret nor its hash.', examples: [example] },
);
export type ApiToken = Static<typeof ApiToken>;

export const ApiTokenCreated = Type.Object(
  {
    ...ApiToken.properties,
    secret: Type.String({ description: 'The bearer secret. Shown in this response only: store it now, it cannot be read again.' }),
  },
  {
    $id: 'ApiTokenCreated',
    examples: [{ ...example, secret: 'dlp_3q2-7wEXAMPLEonlyEXAMPLEonlyEXAMPLEonly0' }],
  },
);
export type ApiTokenCreated = Static<typeof ApiTokenCreated>;

export const ApiTokenCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'What the token is for.' }),
    kind: Type.Optional(TokenKind),
    scopes: Type.Optional(
      Type.Array(ScopeName, {
        uniqueItems: true,
        maxItems: SCOPES.length,
        description: 'Required (at least one) for kind api, and no more than the caller has; must be empty or absent for kind public.',
      }),
    ),
    expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()], { description: 'In the future; null or absent: never expires.' })),
  },
  {
    $id: 'ApiTokenCreate',
    additionalProperties: false,
    examples: [
      { name: 'Desk tool', kind: 'api', scopes: ['content:read', 'content:write'], expiresAt: '2026-01-01T00:00:00Z' },
      { name: 'Mobile app', kind: 'public' },
    ],
  },
);
export type ApiTokenCreate = Static<typeof ApiTokenCreate>;

export const TOKEN_SORTS = ['createdAt', 'name'];

export const ApiTokenListQuery = Type.Object(
  {
    'filter[kind]': Type.Optional(TokenKind),
    'filter[revoked]': Type.Optional(Type.Boolean({ description: 'true: only revoked tokens; false: only tokens not revoked.' })),
    ...listParams(TOKEN_SORTS, '-createdAt'),
  },
  { additionalProperties: false },
);
export type ApiTokenListQuery = Static<typeof ApiTokenListQuery>;

export const tokenSchemas = [ApiToken, ApiTokenCreated, ApiTokenCreate];
