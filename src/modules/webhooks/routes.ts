// /v1/webhooks: endpoints that receive signed events, and their delivery log (scope webhooks:manage).
import type { FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { requireScope, secretResponse } from '../../http/auth.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { listReply } from '../../http/list.js';
import {
  IdParams,
  IfMatchHeader,
  ItemEnvelope,
  ListEnvelope,
  NOT_MODIFIED,
  problemResponses,
  READ_ERRORS,
  ref,
  WRITE_ERRORS,
} from '../../http/schemas.js';
import {
  DeliveryListQuery,
  DeliveryParams,
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookListQuery,
  WebhookRotateSecret,
  WebhookUpdate,
  WebhookWithSecret,
} from './schemas.js';
import {
  createWebhook,
  DEFAULT_GRACE_HOURS,
  deleteWebhook,
  getDelivery,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  rotateWebhookSecret,
  sendTestPing,
  updateWebhook,
} from './service.js';

const manage = { onRequest: requireScope('webhooks:manage') };
// Scope first (401/403), then the precondition (428/400).
const manageExisting = { onRequest: [requireScope('webhooks:manage'), requireIfMatch] };
// The response carries the signing secret: never stored for an Idempotency-Key replay.
const manageSecret = { onRequest: [requireScope('webhooks:manage'), secretResponse] };
const tags = ['webhooks'];
const security = [{ bearerAuth: [] }];
const needs = 'Needs the webhooks:manage scope (admins have it).';
const accepted = (description: string) => ItemEnvelope(ref(WebhookDelivery), description);

// An empty POST counts as {} (a body with unknown fields is still a 400).
const emptyBodyIsObject = async (request: FastifyRequest) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

export default async function webhookRoutes(app: App) {
  // WEBHOOK_ALLOW_PRIVATE_TARGETS: the same switch the delivery worker obeys.
  const policy = { allowPrivateTargets: app.config.webhookAllowPrivateTargets };

  app.get(
    '/',
    {
      ...manage,
      schema: {
        operationId: 'listWebhooks',
        summary: 'List webhook endpoints',
        description: `Newest first by default. Never shows a secret. ${needs}`,
        tags,
        security,
        querystring: WebhookListQuery,
        response: { 200: ListEnvelope(ref(Webhook)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403) },
      },
    },
    async (request, reply) => listReply(reply, await listWebhooks(app.db, request.query, request.url), app.config.publicBaseUrl),
  );

  app.get(
    '/:id',
    {
      ...manage,
      schema: {
        operationId: 'getWebhook',
        summary: 'Get a webhook endpoint',
        description: `With its state (disabled after failures, secret rotation) and counts of pending and failed deliveries. Never the secret. ${needs}`,
        tags,
        security,
        params: IdParams,
        response: { 200: ItemEnvelope(ref(Webhook)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request, reply) => {
      const data = await getWebhook(app.db, request.params.id);
      setVersion(reply, data.version);
      return { data };
    },
  );

  app.post(
    '/',
    {
      ...manageSecret,
      schema: {
        operationId: 'createWebhook',
        summary: 'Create a webhook endpoint',
        description:
          'Matching events are POSTed to the URL as JSON { id, type, timestamp, data } (see the webhooks section of this document), ' +
          'signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). The response carries the signing secret, once. ' +
          `Idempotency-Key is ignored here: the secret is never stored for replay. ${needs}`,
        tags,
        security,
        body: ref(WebhookCreate),
        response: { 201: ItemEnvelope(ref(WebhookWithSecret)), ...problemResponses(...WRITE_ERRORS, 422) },
      },
    },
    async (request, reply) => {
      const data = await createWebhook(app.db, request.body, requestContext(request, app.now()), policy);
      setVersion(reply, data.version);
      reply.code(201).header('location', `/v1/webhooks/${data.id}`);
      return { data };
    },
  );

  app.patch(
    '/:id',
    {
      ...manageExisting,
      schema: {
        operationId: 'updateWebhook',
        summary: 'Update a webhook endpoint',
        description: `active: true on an endpoint disabled after failures re-enables it and resets its failure count. ${needs}`,
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        body: ref(WebhookUpdate),
        response: { 200: ItemEnvelope(ref(Webhook)), ...problemResponses(...WRITE_ERRORS, 404, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const data = await updateWebhook(app.db, request.params.id, request.body, requestContext(request, app.now()), policy);
      setVersion(reply, data.version);
      return { data };
    },
  );

  app.delete(
    '/:id',
    {
      ...manageExisting,
      schema: {
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook endpoint',
        description: `Its delivery log goes with it; nothing more is sent to it. ${needs}`,
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problemResponses(400, 401, 403, 404, 412, 414, 428, 500) },
      },
    },
    async (request, reply) => {
      await deleteWebhook(app.db, request.params.id, requestContext(request, app.now()));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/rotate-secret',
    {
      ...manageSecret,
      preValidation: emptyBodyIsObject,
      schema: {
        operationId: 'rotateWebhookSecret',
        summary: 'Rotate the signing secret',
        description:
          'Returns the new secret, once. During the grace period every delivery carries two signatures (new and old secret) in ' +
          `webhook-signature, so the receiver can switch over without losing events. Idempotency-Key is ignored here. ${needs}`,
        tags,
        security,
        params: IdParams,
        body: ref(WebhookRotateSecret),
        response: { 200: ItemEnvelope(ref(WebhookWithSecret)), ...problemResponses(...WRITE_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const grace = request.body.gracePeriodHours ?? DEFAULT_GRACE_HOURS;
      const data = await rotateWebhookSecret(app.db, request.params.id, grace, requestContext(request, app.now()));
      setVersion(reply, data.version);
      return { data };
    },
  );

  app.post(
    '/:id/test',
    {
      ...manage,
      schema: {
        operationId: 'testWebhook',
        summary: 'Send a test ping',
        description:
          'Queues a ping event ({ endpointId, message }) for this endpoint only, whatever it subscribes to, and returns its delivery: ' +
          'follow it with GET …/deliveries/{deliveryId}. An inactive or disabled endpoint gets it once it is active again. ' +
          `No body. ${needs}`,
        tags,
        security,
        params: IdParams,
        response: { 202: accepted('The queued delivery of the ping.'), ...problemResponses(400, 401, 403, 404, 413, 414, 415, 500) },
      },
    },
    async (request, reply) => {
      const data = await sendTestPing(app.db, request.params.id, requestContext(request, app.now()));
      reply.code(202).header('location', `/v1/webhooks/${request.params.id}/deliveries/${data.id}`);
      return { data };
    },
  );

  app.get(
    '/:id/deliveries',
    {
      ...manage,
      schema: {
        operationId: 'listWebhookDeliveries',
        summary: "List an endpoint's deliveries",
        description: `Newest first: status, attempts and the outcome of the last attempt. ${needs}`,
        tags,
        security,
        params: IdParams,
        querystring: DeliveryListQuery,
        response: { 200: ListEnvelope(ref(WebhookDelivery)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request, reply) =>
      listReply(reply, await listDeliveries(app.db, request.params.id, request.query, request.url), app.config.publicBaseUrl),
  );

  app.get(
    '/:id/deliveries/:deliveryId',
    {
      ...manage,
      schema: {
        operationId: 'getWebhookDelivery',
        summary: 'Get a delivery, with the event as sent',
        description: needs,
        tags,
        security,
        params: DeliveryParams,
        response: { 200: ItemEnvelope(ref(WebhookDeliveryDetail)), ...NOT_MODIFIED, ...problemResponses(...READ_ERRORS, 403, 404) },
      },
    },
    async (request) => ({ data: await getDelivery(app.db, request.params.id, request.params.deliveryId) }),
  );

  app.post(
    '/:id/deliveries/:deliveryId/redeliver',
    {
      ...manage,
      schema: {
        operationId: 'redeliverWebhookDelivery',
        summary: 'Redeliver',
        description:
          'Sends the same event again (same webhook-id), from a first attempt: status pending, due now, attempts 0; the last error stays ' +
          'until the next attempt. 409 while the delivery is being sent. It waits for earlier pending deliveries about the same ' +
          `resource, and for an inactive or disabled endpoint to be active again. No body. ${needs}`,
        tags,
        security,
        params: DeliveryParams,
        response: { 202: accepted('The delivery, queued again.'), ...problemResponses(400, 401, 403, 404, 409, 413, 414, 415, 500) },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      const data = await redeliver(app.db, id, deliveryId, requestContext(request, app.now()));
      reply.code(202).header('location', `/v1/webhooks/${id}/deliveries/${data.id}`);
      return { data };
    },
  );
}
