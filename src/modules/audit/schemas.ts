// Audit log shapes: who did what, and the filters of GET /v1/audit.
import Type, { type Static } from 'typebox';
import { ListValue } from '../../http/list.js';
import { Cursor, MetaParam, PageSize, ref, Timestamp, Uuid } from '../../http/schemas.js';

export const Actor = Type.Object(
  {
    type: Type.Enum(['user', 'token', 'system'], { description: 'user: a logged-in person; token: an API token; system: seed, scheduler, CLI.' }),
    id: Type.Union([Uuid, Type.Null()], { description: 'The user or token id; null for the system.' }),
    name: Type.String({ description: 'Display name of the user or token at the time.' }),
  },
  { $id: 'Actor', description: 'Who made a change.', examples: [{ type: 'token', id: '0198a1b2-0000-7000-8000-0000000000aa', name: 'desk tool' }] },
);
export type Actor = Static<typeof Actor>;

export const AuditEntry = Type.Object(
  {
    id: Uuid,
    at: Timestamp,
    actor: ref(Actor),
    action: Type.String({ description: 'resource.verb, e.g. article.update, tag.delete, site.update, auth.login_failed.' }),
    resourceType: Type.Union([Type.String(), Type.Null()], { description: 'article, tag, category, author, source, site...' }),
    resourceId: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()], { description: 'Client address as the server saw it.' }),
    requestId: Type.Union([Type.String(), Type.Null()], { description: 'Matches the x-request-id header and the server log.' }),
    details: Type.Object({}, { additionalProperties: true, description: 'Ids, slugs and changed field names; never secrets.' }),
  },
  {
    $id: 'AuditEntry',
    description: 'One write or login attempt. The log is append-only: entries are never changed or deleted through the API.',
    examples: [
      {
        id: '0198a9c2-6000-7000-8000-000000000001',
        at: '2025-08-14T12:02:00.000Z',
        actor: { type: 'token', id: '0198a1b2-0000-7000-8000-0000000000aa', name: 'desk tool' },
        action: 'tag.update',
        resourceType: 'tag',
        resourceId: '0198a1b2-0000-7000-8000-000000000001',
        ip: '203.0.113.7',
        requestId: '6f1c2a3b-0000-4000-8000-000000000001',
        details: { fields: ['names'] },
      },
    ],
  },
);
export type AuditEntry = Static<typeof AuditEntry>;

const Name = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });

export const AuditListQuery = Type.Object(
  {
    'filter[action]': Type.Optional(Name('Exact action, e.g. article.update.')),
    'filter[action][in]': Type.Optional(ListValue('Actions, comma-separated, at most 100.')),
    'filter[resourceType]': Type.Optional(Name('e.g. article, tag, site.')),
    'filter[resourceId]': Type.Optional(Name('The id of the changed resource (site settings: "default").')),
    'filter[actor]': Type.Optional(Uuid),
    'filter[at][gte]': Type.Optional(Timestamp),
    'filter[at][lt]': Type.Optional(Timestamp),
    sort: Type.Optional(Type.Enum(['-at', 'at'], { description: 'Newest first (-at, the default) or oldest first (at).' })),
    'page[size]': Type.Optional(PageSize),
    'page[after]': Type.Optional(Cursor),
    'page[before]': Type.Optional(Cursor),
    meta: Type.Optional(MetaParam),
  },
  { additionalProperties: false },
);
export type AuditListQuery = Static<typeof AuditListQuery>;

export const auditSchemas = [Actor, AuditEntry];
