// Revision shapes: the history list, one snapshot, a field-level diff and the restore answer.
import Type, { type Static } from 'typebox';
import { Cursor, MetaParam, PageSize, ref, Timestamp, Uuid } from '../../http/schemas.js';
import { Actor } from '../audit/schemas.js';

const RevisionNumber = Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Revision number: 1, 2, 3... per article.' });

const actorExample = { type: 'token', id: '0198a1b2-0000-7000-8000-0000000000aa', name: 'desk tool' };

export const RevisionSummary = Type.Object(
  {
    number: RevisionNumber,
    createdAt: Timestamp,
    actor: ref(Actor),
    reason: Type.String({ description: 'create, update, publish, "restore of 3"...' }),
    changedFields: Type.Array(Type.String(), { description: 'Top-level article fields that differ from the previous revision.' }),
  },
  {
    $id: 'RevisionSummary',
    description: 'One entry of an article\'s history, without the snapshot.',
    examples: [{ number: 4, createdAt: '2025-08-14T12:02:00.000Z', actor: actorExample, reason: 'update', changedFields: ['tags', 'title'] }],
  },
);
export type RevisionSummary = Static<typeof RevisionSummary>;

export const Revision = Type.Object(
  {
    articleId: Uuid,
    ...RevisionSummary.properties,
    snapshot: Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          'The article as it stood after this change, in the Article shape of its time (relations as ids: category, tags, authors with role, sources).',
      },
    ),
  },
  {
    $id: 'Revision',
    description: 'A full snapshot of an article after one change. Revisions are never changed or deleted; they outlive the article.',
    examples: [
      {
        articleId: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e',
        number: 4,
        createdAt: '2025-08-14T12:02:00.000Z',
        actor: actorExample,
        reason: 'update',
        changedFields: ['title'],
        snapshot: { id: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e', title: 'River towns brace for a record flood crest', tags: [{ id: '0198a1b2-0000-7000-8000-000000000001' }] },
      },
    ],
  },
);
export type Revision = Static<typeof Revision>;

export const FieldChange = Type.Object(
  {
    field: Type.String({ description: 'Top-level article field, e.g. title, body, tags.' }),
    from: Type.Unknown({ description: 'The value in the older revision (null when absent).' }),
    to: Type.Unknown({ description: 'The value in the newer revision (null when absent).' }),
  },
  { $id: 'FieldChange' },
);

export const RevisionDiff = Type.Object(
  {
    articleId: Uuid,
    from: Type.Union([RevisionNumber, Type.Null()], { description: 'The revision compared against; null when diffing revision 1 with nothing.' }),
    to: RevisionNumber,
    changes: Type.Array(ref(FieldChange), { description: 'One entry per changed field, by field name. updatedAt is left out.' }),
  },
  {
    $id: 'RevisionDiff',
    description: 'What changed between two revisions of one article, field by field.',
    examples: [
      {
        articleId: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e',
        from: 3,
        to: 4,
        changes: [{ field: 'title', from: 'River towns brace for a flood', to: 'River towns brace for a record flood crest' }],
      },
    ],
  },
);
export type RevisionDiff = Static<typeof RevisionDiff>;

export const RevisionParams = Type.Object({ id: Uuid, rev: RevisionNumber }, { additionalProperties: false });

export const RevisionListQuery = Type.Object(
  {
    sort: Type.Optional(Type.Enum(['-number', 'number'], { description: 'Newest first (-number, the default) or oldest first (number).' })),
    'page[size]': Type.Optional(PageSize),
    'page[after]': Type.Optional(Cursor),
    'page[before]': Type.Optional(Cursor),
    meta: Type.Optional(MetaParam),
  },
  { additionalProperties: false },
);
export type RevisionListQuery = Static<typeof RevisionListQuery>;

export const DiffQuery = Type.Object(
  {
    against: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The revision to compare with; defaults to the one before {rev}. May be newer than {rev}.' }),
    ),
  },
  { additionalProperties: false },
);

export const revisionSchemas = [RevisionSummary, Revision, FieldChange, RevisionDiff];
