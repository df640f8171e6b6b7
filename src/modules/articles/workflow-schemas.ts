// Request and response shapes of the workflow actions, corrections and preview links.
import Type from 'typebox';
import { Nullable, Timestamp } from '../../http/schemas.js';

const Note = Type.String({ maxLength: 2000, description: 'Kept in the audit log and the revision reason.' });
const Time = (description: string) => Type.String({ format: 'date-time', description, examples: ['2025-08-15T00:00:00Z'] });
const PublishAt = Time('When the article goes live (the scheduler publishes it). RFC 3339 with any offset: 2025-08-15T07:00:00+07:00 is 00:00Z.');
const UnpublishAt = Nullable(Time('When the article comes down again. Omit to keep the current value, null to clear it.'));
const EmbargoUntil = Nullable(
  Time('Not public before this instant, even when published; preview:read partners can read it before. Omit to keep the current value, null to lift it.'),
);

export const WorkflowNote = Type.Object(
  { note: Type.Optional(Note) },
  { $id: 'WorkflowNote', additionalProperties: false, description: 'The body may be omitted.', examples: [{ note: 'Ready for the morning edition.' }] },
);

export const WorkflowReject = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000, description: 'Why it goes back to the author; kept in the audit log and the revision.' }) },
  { $id: 'WorkflowReject', additionalProperties: false, examples: [{ note: 'Needs a second source for the casualty figure.' }] },
);

export const WorkflowApprove = Type.Object(
  { publishAt: Type.Optional(PublishAt), unpublishAt: Type.Optional(UnpublishAt), embargoUntil: Type.Optional(EmbargoUntil), note: Type.Optional(Note) },
  {
    $id: 'WorkflowApprove',
    additionalProperties: false,
    description: 'With a future publishAt the article is scheduled; without one it is published now. The body may be omitted.',
    examples: [{ publishAt: '2025-08-15T07:00:00+07:00', embargoUntil: '2025-08-15T00:00:00Z' }],
  },
);

export const WorkflowSchedule = Type.Object(
  { publishAt: PublishAt, unpublishAt: Type.Optional(UnpublishAt), embargoUntil: Type.Optional(EmbargoUntil), note: Type.Optional(Note) },
  {
    $id: 'WorkflowSchedule',
    additionalProperties: false,
    description: 'publishAt must be in the future.',
    examples: [{ publishAt: '2025-08-15T00:00:00Z', unpublishAt: '2025-09-15T00:00:00Z' }],
  },
);

export const WorkflowPublish = Type.Object(
  { unpublishAt: Type.Optional(UnpublishAt), embargoUntil: Type.Optional(EmbargoUntil), note: Type.Optional(Note) },
  { $id: 'WorkflowPublish', additionalProperties: false, description: 'Publishes now. The body may be omitted.', examples: [{}] },
);

export const CorrectionCreate = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000, description: 'Shown with the article, with the time it was added.' }) },
  {
    $id: 'CorrectionCreate',
    additionalProperties: false,
    examples: [{ text: 'An earlier version of this story gave the wrong crest height. It is 4.2 metres.' }],
  },
);

export const PreviewLink = Type.Object(
  {
    token: Type.String({ description: 'Signed; grants read access to this one article until expiresAt.' }),
    url: Type.String({ description: 'GET it without credentials: the article, whatever its state.' }),
    expiresAt: Timestamp,
  },
  {
    $id: 'PreviewLink',
    examples: [
      {
        token: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e.1755241200.q3X0kJ5mYb1c8nVQyF2xS7WcUu4rL9pA0eHdGzTiKoM',
        url: 'http://localhost:3000/v1/preview/0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e.1755241200.q3X0kJ5mYb1c8nVQyF2xS7WcUu4rL9pA0eHdGzTiKoM',
        expiresAt: '2025-08-15T07:00:00.000Z',
      },
    ],
  },
);

export const PreviewParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 150, description: 'The token of a preview link.' }) },
  { additionalProperties: false },
);

export const workflowSchemas = [WorkflowNote, WorkflowReject, WorkflowApprove, WorkflowSchedule, WorkflowPublish, CorrectionCreate, PreviewLink];
