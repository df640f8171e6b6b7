// Webhook shapes: endpoints and deliveries as /v1/webhooks shows them, and the payload of every event
// (the OpenAPI `webhooks` section is built from these). The secret appears only in WebhookWithSecret.
import Type, { type Static, type TSchema } from 'typebox';
import { listParams } from '../../http/list.js';
import { LocaleCode, Timestamp, Uuid } from '../../http/schemas.js';
import { ARTICLE_STATUSES } from '../articles/schemas.js';
import { EVENT_PATTERNS, EVENT_TYPES, type EventType } from './outbox.js';

/*
 * Event payloads. Every request body is { id, type, timestamp, data }: id is the event id (also the
 * webhook-id header; the same on every retry), type one of EVENT_TYPES or "ping", timestamp the RFC 3339
 * UTC time the event was written (webhook_events.created_at), and data by family:
 *
 *   article.created | updated | published | unpublished | scheduled | corrected | deleted, translation.created
 *     { id: uuid, translationGroupId: uuid, locale: string, slug: string, title: string,
 *       status: 'draft'|'in_review'|'scheduled'|'published'|'unpublished'|'archived',
 *       publishedAt: date-time | null, updatedAt: date-time, categoryId: uuid | null,
 *       path: string,      // /v1/articles/by-slug/{locale}/{slug}, relative to the API's base URL
 *       public: boolean,   // anonymous readers can see it now (false for article.deleted and under embargo)
 *       version: integer } // the row version, as in the ETag "v<version>-..."
 *     article.deleted carries the same fields, as the article was just before it was deleted.
 *   category.* | tag.* | author.* | source.*   (created, updated, deleted)
 *     { id: uuid, slug: string, version: integer }   // deleted: as it was just before
 *   site.updated   { updatedAt: date-time }
 *   ping           { endpointId: uuid, message: string }   // only from POST /v1/webhooks/{id}/test
 *
 * Receivers should ignore fields they do not know: new ones may be added without notice.
 */

const articleDataExample = {
  id: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c0001',
  translationGroupId: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c0000',
  locale: 'en',
  slug: 'floods-in-the-mekong-delta',
  title: 'Floods in the Mekong Delta',
  status: 'published',
  publishedAt: '2025-08-14T12:02:00.000Z',
  updatedAt: '2025-08-14T12:02:00.000Z',
  categoryId: '0198a1b2-0000-7000-8000-000000000010',
  path: '/v1/articles/by-slug/en/floods-in-the-mekong-delta',
  public: true,
  version: 3,
};

export const ArticleEventData = Type.Object(
  {
    id: Uuid,
    translationGroupId: Uuid,
    locale: LocaleCode,
    slug: Type.String({ description: 'Unique within its locale.' }),
    title: Type.String(),
    status: Type.Enum([...ARTICLE_STATUSES]),
    publishedAt: Type.Union([Timestamp, Type.Null()]),
    updatedAt: Timestamp,
    categoryId: Type.Union([Uuid, Type.Null()]),
    path: Type.String({ description: 'Where the API serves the article: /v1/articles/by-slug/{locale}/{slug}, relative to the API base URL.' }),
    public: Type.Boolean({
      description:
        'True when anonymous readers can see the article now. Under embargo a publish sends false, and another article.published with true follows when the embargo lifts. Always false for article.deleted.',
    }),
    version: Type.Integer({ description: 'The row version after the change (as in the ETag "v<version>-…"); for article.deleted, the last one.' }),
  },
  {
    $id: 'ArticleEventData',
    description: 'data of article.* and translation.created events: the article after the change (before it, for article.deleted). Fetch the full article by id when you need more.',
    examples: [articleDataExample],
  },
);
export type ArticleEventData = Static<typeof ArticleEventData>;

export const ResourceEventData = Type.Object(
  {
    id: Uuid,
    slug: Type.String(),
    version: Type.Integer({ description: 'The row version after the change; for *.deleted, the last one.' }),
  },
  {
    $id: 'ResourceEventData',
    description: 'data of category.*, tag.*, author.* and source.* events: which one changed. Fetch it by id for the rest.',
    examples: [{ id: '0198a1b2-0000-7000-8000-000000000010', slug: 'environment', version: 2 }],
  },
);
export type ResourceEventData = Static<typeof ResourceEventData>;

export const SiteEventData = Type.Object(
  { updatedAt: Timestamp },
  { $id: 'SiteEventData', description: 'data of site.updated: read GET /v1/site for the new settings.', examples: [{ updatedAt: '2025-08-14T12:02:00.000Z' }] },
);
export type SiteEventData = Static<typeof SiteEventData>;

export const PingEventData = Type.Object(
  { endpointId: Uuid, message: Type.String() },
  {
    $id: 'PingEventData',
    description: 'data of ping: sent only by POST /v1/webhooks/{id}/test, to the endpoint named, whatever it subscribes to.',
    examples: [{ endpointId: '0198a1b2-0000-7000-8000-0000000000c1', message: 'Test event from Dateline.' }],
  },
);
export type PingEventData = Static<typeof PingEventData>;

/** Every type a delivery can carry: the subscribable events, and ping. */
export const DELIVERED_TYPES = [...EVENT_TYPES, 'ping'] as const;
export type DeliveredType = EventType | 'ping';

/** Which data schema each event type sends. */
export function eventDataSchema(type: DeliveredType): TSchema {
  if (type === 'ping') return PingEventData;
  if (type === 'site.updated') return SiteEventData;
  if (type.startsWith('article.') || type.startsWith('translation.')) return ArticleEventData;
  return ResourceEventData;
}

/** One line per event type, for the spec. */
export const EVENT_DESCRIPTIONS: Record<DeliveredType, string> = {
  'article.created': 'An article was created, in any state (a created-and-published article also sends article.published).',
  'article.updated': 'An article changed without changing state: text, metadata, relations.',
  'article.published': 'An article went live: published now, by the scheduler at its time, or its embargo lifted (public says which).',
  'article.unpublished': 'A published article was taken down.',
  'article.scheduled': 'An article was scheduled to publish later, or its scheduled time moved.',
  'article.corrected': 'A correction note was added to an article.',
  'article.deleted': 'An article was deleted.',
  'translation.created': 'A translation was started: a new article in another locale of the same translation group.',
  'category.created': 'A category was created.',
  'category.updated': 'A category changed.',
  'category.deleted': 'A category was deleted.',
  'tag.created': 'A tag was created.',
  'tag.updated': 'A tag changed.',
  'tag.deleted': 'A tag was deleted.',
  'author.created': 'An author was created.',
  'author.updated': 'An author changed.',
  'author.deleted': 'An author was deleted.',
  'source.created': 'A source was created.',
  'source.updated': 'A source changed.',
  'source.deleted': 'A source was deleted.',
  'site.updated': 'Site settings changed.',
  ping: 'A test event, sent by POST /v1/webhooks/{id}/test to that endpoint only.',
};

/**
 * The request body a receiver gets for one event type, with `data` as a $ref to its component. Used in the
 * OpenAPI `webhooks` section, which @fastify/swagger copies as is: refs are written as full component paths.
 */
export function eventPayloadSchema(type: DeliveredType): TSchema {
  const dataId = String((eventDataSchema(type) as { $id?: string }).$id);
  return Type.Object(
    {
      id: Type.String({ format: 'uuid', description: 'The event id, also sent as webhook-id and the same on every retry: deduplicate on it.' }),
      type: Type.Literal(type),
      timestamp: Type.String({ format: 'date-time', description: 'When the change happened (the event was written), RFC 3339 UTC.' }),
      data: Type.Unsafe({ $ref: `#/components/schemas/${dataId}` }),
    },
    { description: EVENT_DESCRIPTIONS[type] },
  );
}

/** An example body for one event type, built from its data schema's example. */
export function eventPayloadExample(type: DeliveredType) {
  const data = ((eventDataSchema(type) as { examples?: unknown[] }).examples ?? [{}])[0];
  return { id: '0198a9c2-6000-7000-8000-00000000e001', type, timestamp: '2025-08-14T12:02:00.000Z', data };
}

// ---- Endpoints ----

const EventPattern = Type.Enum(EVENT_PATTERNS, {
  description: 'An event type (article.published), a family (article.*) or * for every event.',
});

const endpointExample = {
  id: '0198a1b2-0000-7000-8000-0000000000c1',
  url: 'https://hooks.example.com/dateline',
  description: 'Rebuild the front end and purge the CDN',
  events: ['article.published', 'article.unpublished', 'article.updated', 'article.deleted'],
  locales: ['en'],
  categoryIds: null,
  active: true,
  disabledAt: null,
  disabledReason: null,
  consecutiveFailures: 0,
  secretRotatedAt: null,
  previousSecretExpiresAt: null,
  deliveries: { pending: 0, failed: 0 },
  createdAt: '2025-08-14T12:02:00.000Z',
  updatedAt: '2025-08-14T12:02:00.000Z',
};

const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

export const Webhook = Type.Object(
  {
    id: Uuid,
    url: Type.String({ description: 'Where events are POSTed.' }),
    description: Type.String(),
    events: Type.Array(EventPattern),
    locales: Nullable(Type.Array(LocaleCode), 'Only events about content in these locales (events without a locale, such as tag.* or site.updated, always pass); null: every locale.'),
    categoryIds: Nullable(Type.Array(Uuid), 'Only article and translation events in these categories (other events always pass); null: every category.'),
    active: Type.Boolean({ description: 'false: no new deliveries are made for this endpoint.' }),
    disabledAt: Nullable(Timestamp, 'Set when deliveries kept failing and Dateline stopped sending; PATCH active: true re-enables the endpoint.'),
    disabledReason: Nullable(Type.String(), 'Why it was disabled: the last failures.'),
    consecutiveFailures: Type.Integer({ minimum: 0, description: 'Failed attempts in a row, across deliveries; any success resets it.' }),
    secretRotatedAt: Nullable(Timestamp, 'The last rotation of the signing secret; null if never rotated.'),
    previousSecretExpiresAt: Nullable(
      Timestamp,
      'After a rotation, deliveries are also signed with the old secret until this time (a time in the past: no longer). null: no old secret.',
    ),
    deliveries: Type.Object(
      {
        pending: Type.Integer({ minimum: 0, description: 'Waiting for their next attempt, or being delivered.' }),
        failed: Type.Integer({ minimum: 0, description: 'Given up after every retry; can be redelivered.' }),
      },
      { description: 'Deliveries not yet done, and failed ones.' },
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Webhook', description: 'A webhook endpoint: never its secret.', examples: [endpointExample] },
);
export type Webhook = Static<typeof Webhook>;

export const WebhookWithSecret = Type.Object(
  {
    ...Webhook.properties,
    secret: Type.String({
      description:
        'The signing secret (whsec_<base64>, Standard Webhooks). Shown in this response only, at creation and rotation: store it now, it cannot be read again.',
    }),
  },
  { $id: 'WebhookWithSecret', examples: [{ ...endpointExample, secret: 'whsec_EXAMPLEonlyEXAMPLEonlyEXAMPLEon' }] },
);
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

const writable = {
  url: Type.String({
    format: 'uri',
    pattern: '^https?://',
    maxLength: 2048,
    description:
      'http:// or https://, without a user name or password. Unless WEBHOOK_ALLOW_PRIVATE_TARGETS is set, the host must resolve to public addresses only (no loopback, private, link-local or metadata address).',
  }),
  description: Type.String({ maxLength: 500, pattern: '^[^\\u0000-\\u001f\\u007f]*$', description: 'What the endpoint is for.' }),
  events: Type.Array(EventPattern, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'What to send: event types, families (article.*) or *.' }),
  locales: Type.Array(LocaleCode, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'Site locales; null or absent: every locale.' }),
  categoryIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Existing category ids; null or absent: every category.' }),
  active: Type.Boolean({ description: 'Default true. On a disabled endpoint, true re-enables it (clears disabledAt and the failure count).' }),
};

export const WebhookCreate = Type.Object(
  {
    url: writable.url,
    description: Type.Optional(writable.description),
    events: writable.events,
    locales: Type.Optional(Type.Union([writable.locales, Type.Null()])),
    categoryIds: Type.Optional(Type.Union([writable.categoryIds, Type.Null()])),
    active: Type.Optional(writable.active),
  },
  {
    $id: 'WebhookCreate',
    additionalProperties: false,
    examples: [
      {
        url: 'https://hooks.example.com/dateline',
        description: 'Rebuild the front end and purge the CDN',
        events: ['article.published', 'article.unpublished', 'article.updated', 'article.deleted'],
        locales: ['en'],
      },
    ],
  },
);
export type WebhookCreate = Static<typeof WebhookCreate>;

export const WebhookUpdate = Type.Object(
  {
    url: Type.Optional(writable.url),
    description: Type.Optional(writable.description),
    events: Type.Optional(writable.events),
    locales: Type.Optional(Type.Union([writable.locales, Type.Null()])),
    categoryIds: Type.Optional(Type.Union([writable.categoryIds, Type.Null()])),
    active: Type.Optional(writable.active),
  },
  {
    $id: 'WebhookUpdate',
    additionalProperties: false,
    minProperties: 1,
    description: 'Fields to change; arrays replace the stored ones.',
    examples: [{ events: ['article.*'], active: true }],
  },
);
export type WebhookUpdate = Static<typeof WebhookUpdate>;

export const WebhookRotateSecret = Type.Object(
  {
    gracePeriodHours: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 168,
        default: 24,
        description: 'How long deliveries are also signed with the old secret, so the receiver can switch over. 0: the old secret stops at once.',
      }),
    ),
  },
  { $id: 'WebhookRotateSecret', additionalProperties: false, description: 'The body may be omitted.', examples: [{ gracePeriodHours: 24 }] },
);
export type WebhookRotateSecret = Static<typeof WebhookRotateSecret>;

export const WEBHOOK_SORTS = ['createdAt', 'updatedAt'];

export const WebhookListQuery = Type.Object(
  {
    'filter[active]': Type.Optional(Type.Boolean({ description: 'true: only active endpoints; false: only inactive ones.' })),
    'filter[disabled]': Type.Optional(Type.Boolean({ description: 'true: only endpoints disabled after repeated failures; false: only the others.' })),
    ...listParams(WEBHOOK_SORTS, '-createdAt'),
  },
  { additionalProperties: false },
);
export type WebhookListQuery = Static<typeof WebhookListQuery>;

// ---- Deliveries ----

export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed'] as const;

const DeliveryStatus = Type.Enum([...DELIVERY_STATUSES], {
  description: 'pending: waiting for its next attempt; delivering: being sent now; succeeded: the receiver answered 2xx; failed: every retry failed.',
});

const deliveryExample = {
  id: '0198a9c2-6000-7000-8000-00000000d001',
  eventId: '0198a9c2-6000-7000-8000-00000000e001',
  eventType: 'article.published',
  status: 'succeeded',
  attempts: 1,
  responseStatus: 200,
  latencyMs: 84,
  responseBody: 'ok',
  lastError: null,
  nextAttemptAt: null,
  lastAttemptAt: '2025-08-14T12:02:00.120Z',
  deliveredAt: '2025-08-14T12:02:00.204Z',
  createdAt: '2025-08-14T12:02:00.000Z',
};

export const WebhookDelivery = Type.Object(
  {
    id: Uuid,
    eventId: Uuid,
    eventType: Type.Enum([...DELIVERED_TYPES]),
    status: DeliveryStatus,
    attempts: Type.Integer({ minimum: 0, description: 'Attempts since it was created or last redelivered.' }),
    responseStatus: Nullable(Type.Integer(), "The receiver's HTTP status at the last attempt; null when it gave none (timeout, refused connection)."),
    latencyMs: Nullable(Type.Integer(), 'Duration of the last attempt.'),
    responseBody: Nullable(Type.String(), "The start of the receiver's answer at the last attempt (at most 2 KB)."),
    lastError: Nullable(Type.String(), 'Why the last attempt failed; kept after a redelivery until the next attempt.'),
    nextAttemptAt: Nullable(Timestamp, 'When the next attempt is due; null unless pending.'),
    lastAttemptAt: Nullable(Timestamp, 'When the last attempt started.'),
    deliveredAt: Nullable(Timestamp, 'When a receiver last accepted it (2xx).'),
    createdAt: Timestamp,
  },
  { $id: 'WebhookDelivery', description: 'One event sent to one endpoint: its state and its last attempt.', examples: [deliveryExample] },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveryDetail = Type.Object(
  {
    ...WebhookDelivery.properties,
    event: Type.Object(
      {
        id: Uuid,
        type: Type.Enum([...DELIVERED_TYPES]),
        timestamp: Timestamp,
        data: Type.Object({}, { additionalProperties: true, description: 'As described for this type in the webhooks section of this document.' }),
      },
      { description: 'The JSON body as sent (and re-sent on every retry), before signing.' },
    ),
  },
  {
    $id: 'WebhookDeliveryDetail',
    examples: [{ ...deliveryExample, event: eventPayloadExample('article.published') }],
  },
);
export type WebhookDeliveryDetail = Static<typeof WebhookDeliveryDetail>;

export const DeliveryListQuery = Type.Object(
  {
    'filter[status]': Type.Optional(DeliveryStatus),
    'filter[eventType]': Type.Optional(Type.Enum([...DELIVERED_TYPES], { description: 'Only deliveries of this event type.' })),
    ...listParams(['createdAt'], '-createdAt'),
  },
  { additionalProperties: false },
);
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid }, { additionalProperties: false });

export const webhookSchemas = [
  Webhook,
  WebhookWithSecret,
  WebhookCreate,
  WebhookUpdate,
  WebhookRotateSecret,
  WebhookDelivery,
  WebhookDeliveryDetail,
  ArticleEventData,
  ResourceEventData,
  SiteEventData,
  PingEventData,
];
