// Restoring a revision: its content becomes a new edit of the article; history is never rewritten.
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles, authors, categories, sources, tags } from '../../db/schema/index.js';
import { checkVersion } from '../../http/concurrency.js';
import type { WriteContext } from '../../http/context.js';
import { type FieldError, notFound, unprocessable } from '../../http/errors.js';
import { assertCanEdit } from '../articles/permissions.js';
import type { ArticleUpdate } from '../articles/schemas.js';
import { updateArticle } from '../articles/service.js';
import { latestRevisionNumber, loadRevision } from './service.js';

type Snapshot = Record<string, unknown>;

const idsOf = (list: unknown) => (Array.isArray(list) ? list.map((item) => String((item as { id: unknown }).id)) : undefined);

/**
 * The editable content of a snapshot as an update. Status and dates are left out on purpose:
 * restoring content never publishes, unpublishes or reschedules.
 */
export function restorableFields(snapshot: Snapshot): ArticleUpdate {
  const input: Record<string, unknown> = {};
  for (const field of ['title', 'slug', 'seoTitle', 'lead', 'body', 'coverImage', 'datelinePlace', 'originalStory', 'seo']) {
    if (field in snapshot) input[field] = snapshot[field];
  }
  if ('category' in snapshot) input.categoryId = (snapshot.category as { id?: string } | null)?.id ?? null;
  if ('tags' in snapshot) input.tagIds = idsOf(snapshot.tags);
  if ('sources' in snapshot) input.sourceIds = idsOf(snapshot.sources);
  if (Array.isArray(snapshot.authors)) {
    input.authors = (snapshot.authors as Array<{ id: string; role: string }>).map((a) => ({ authorId: a.id, role: a.role }));
  }
  return input as ArticleUpdate;
}

/** 422 naming every category, tag, author or source the revision uses that has since been deleted. */
async function assertReferencesExist(db: Db, input: ArticleUpdate, number: number) {
  const errors: FieldError[] = [];
  const check = async (table: typeof tags | typeof authors | typeof sources | typeof categories, what: string, ids: string[]) => {
    if (!ids.length) return;
    const found = new Set((await db.select({ id: table.id }).from(table).where(inArray(table.id, ids))).map((r) => r.id));
    for (const id of ids) {
      if (!found.has(id)) errors.push({ pointer: '/params/rev', detail: `revision ${number} uses ${what} ${id}, which no longer exists` });
    }
  };
  await check(categories, 'category', input.categoryId ? [input.categoryId] : []);
  await check(tags, 'tag', input.tagIds ?? []);
  await check(authors, 'author', [...new Set((input.authors ?? []).map((a) => a.authorId))]);
  await check(sources, 'source', input.sourceIds ?? []);
  if (errors.length) throw unprocessable(errors);
}

/** Applies revision `number` as a new edit (reason "restore of <number>"); returns the new revision's number. */
export async function restoreRevision(db: Db, articleId: string, number: number, ctx: WriteContext): Promise<{ revision: number }> {
  const { snapshot } = await loadRevision(db, articleId, number);
  const [current] = await db
    .select({ id: articles.id, createdByUserId: articles.createdByUserId, status: articles.status, version: articles.version })
    .from(articles)
    .where(eq(articles.id, articleId));
  if (!current) throw notFound('Article');
  // As for any edit: the role first, then a stale If-Match, then anything about the revision's content.
  await assertCanEdit(db, ctx, current);
  checkVersion(current.version, ctx);
  const input = restorableFields(snapshot);
  await assertReferencesExist(db, input, number);
  await updateArticle(db, articleId, input, ctx, `restore of ${number}`);
  return { revision: await latestRevisionNumber(db, articleId) };
}
