// /v1/articles/{id}/<action>: the editorial workflow (submit, approve, schedule, publish...) and corrections.
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';
import type { App } from '../../app.js';
import { requireScope } from '../../http/auth.js';
import { requireIfMatch, setVersion } from '../../http/concurrency.js';
import { requestContext } from '../../http/context.js';
import { IdParams, IfMatchHeader, problemResponses, ref, WRITE_ERRORS } from '../../http/schemas.js';
import type { Scope } from '../tokens/service.js';
import { getArticle } from './queries.js';
import { Article, type ArticleStatus } from './schemas.js';
import { type ActionInput, ACTIONS, addCorrection, allowedActions, applyAction, FROM, type WorkflowAction } from './workflow.js';
import { CorrectionCreate, WorkflowApprove, WorkflowNote, WorkflowPublish, WorkflowReject, WorkflowSchedule } from './workflow-schemas.js';

const tags = ['workflow'];
const security = [{ bearerAuth: [] }];

/** What each action does, who may do it and what it takes: the table the routes below are made from. */
const ROUTES: Record<WorkflowAction, { summary: string; description: string; scope: Scope; body: TSchema; operationId: string }> = {
  submit: { operationId: 'submitArticle', summary: 'Submit for review', description: 'draft → in_review.', scope: 'content:write', body: WorkflowNote },
  reject: {
    operationId: 'rejectArticle',
    summary: 'Send back to the author',
    description: 'in_review or scheduled → draft, with a note saying why. A pending schedule is dropped.',
    scope: 'content:publish',
    body: WorkflowReject,
  },
  approve: {
    operationId: 'approveArticle',
    summary: 'Approve: schedule or publish',
    description: 'in_review → scheduled when publishAt is in the future, otherwise → published now.',
    scope: 'content:publish',
    body: WorkflowApprove,
  },
  schedule: {
    operationId: 'scheduleArticle',
    summary: 'Schedule (or reschedule)',
    description: 'scheduled or unpublished → scheduled: the scheduler publishes it at publishAt, never earlier.',
    scope: 'content:publish',
    body: WorkflowSchedule,
  },
  publish: {
    operationId: 'publishArticle',
    summary: 'Publish now',
    description:
      'scheduled or unpublished → published. publishedAt becomes now; firstPublishedAt is set the first time only. An embargo still hides it from the public until it lifts.',
    scope: 'content:publish',
    body: WorkflowPublish,
  },
  unpublish: { operationId: 'unpublishArticle', summary: 'Take down', description: 'published → unpublished.', scope: 'content:publish', body: WorkflowNote },
  archive: {
    operationId: 'archiveArticle',
    summary: 'Archive',
    description: 'Any state but archived → archived (off the site, out of the way). A pending schedule is dropped.',
    scope: 'content:publish',
    body: WorkflowNote,
  },
  restore: {
    operationId: 'restoreArticle',
    summary: 'Restore to draft',
    description: 'archived or unpublished → draft, to be edited and submitted again.',
    scope: 'content:write',
    body: WorkflowNote,
  },
};

const TIMED: ReadonlySet<WorkflowAction> = new Set(['approve', 'schedule', 'publish']);

/** Which states each action starts from, for the docs. */
const machine = (Object.keys(FROM) as WorkflowAction[]).map((a) => `${a}: ${FROM[a].join(', ')}`).join('; ');

const ActionResponse = Type.Object(
  {
    data: ref(Article),
    meta: Type.Object({ allowedActions: Type.Array(Type.Enum([...ACTIONS]), { description: 'What may happen next, from the new state.' }) }),
  },
  { description: 'The article in its new state (editor view); the ETag header names its new version.' },
);

export default async function workflowRoutes(app: App) {
  /** The article as editors see it, with the new ETag and the actions possible from its new state. */
  const respond = async (reply: FastifyReply, id: string, version: number) => {
    const { article } = await getArticle(app.db, id, {}, { canReadDrafts: true, now: app.now() });
    setVersion(reply, version);
    return { data: article as Article, meta: { allowedActions: allowedActions(article.status as ArticleStatus) } };
  };
  // Most actions need no body: an empty POST counts as {} (a body with unknown fields is still a 400).
  const emptyBodyIsObject = async (request: FastifyRequest) => {
    if (request.body === undefined || request.body === null) request.body = {};
  };

  for (const action of ACTIONS) {
    const r = ROUTES[action];
    app.post(
      `/:id/${action}`,
      {
        // Scope first (401/403), then the precondition (428), as for PATCH.
        onRequest: [requireScope(r.scope), requireIfMatch],
        preValidation: emptyBodyIsObject,
        schema: {
          operationId: r.operationId,
          summary: r.summary,
          description:
            `${r.description} Needs ${r.scope} and If-Match. An action the current state does not allow is a 409 whose ` +
            `\`allowed\` member lists the ones it does (${machine}).`,
          tags,
          security,
          params: IdParams,
          headers: IfMatchHeader,
          body: ref(r.body),
          // 422: times that make no sense (a past publishAt to schedule, unpublishAt before going live).
          response: { 200: ActionResponse, ...problemResponses(...WRITE_ERRORS, 404, 409, 412, ...(TIMED.has(action) ? [422] : []), 428) },
        },
      },
      async (request, reply) => {
        const { version } = await applyAction(app.db, request.params.id, action, request.body as ActionInput, requestContext(request, app.now()));
        return respond(reply, request.params.id, version);
      },
    );
  }

  app.post(
    '/:id/corrections',
    {
      onRequest: [requireScope('content:publish'), requireIfMatch],
      schema: {
        operationId: 'addArticleCorrection',
        summary: 'Append a correction',
        description:
          'Adds { text, at } to the corrections of a published article, shown to readers with it. updatedAt moves; publishedAt and firstPublishedAt do not. ' +
          'Needs content:publish and If-Match; 409 when the article is not published.',
        tags,
        security,
        params: IdParams,
        headers: IfMatchHeader,
        body: ref(CorrectionCreate),
        response: { 200: ActionResponse, ...problemResponses(...WRITE_ERRORS, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const { version } = await addCorrection(app.db, request.params.id, request.body.text, requestContext(request, app.now()));
      return respond(reply, request.params.id, version);
    },
  );
}
