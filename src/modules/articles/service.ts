// Article writes: create, update, delete and translation copies, each in one transaction.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { articleAuthors, articles, articleSources, articleTags, authors, categories, sources, tags } from '../../db/schema/index.js';
import { conflict, type FieldError, notFound, unprocessable } from '../../http/errors.js';
import { checkVersion, preconditionFailed } from '../../http/concurrency.js';
import type { WriteContext } from '../../http/context.js';
import { slugFrom } from '../../http/slug.js';
import { recordAudit } from '../audit/service.js';
import { recordRevision } from '../revisions/service.js';
import { siteLocales } from '../site/service.js';
import { type ArticleRow } from './queries.js';
import { afterArticleWrite } from './after-write.js';
import { assertCanEdit } from './permissions.js';
import { cleanBlocks, renderBody } from './render.js';
import type { ArticleCreateInput, ArticleUpdate, ArticleUpdateInput, ImportedState } from './schemas.js';

type Links = Pick<ArticleUpdate, 'tagIds' | 'authors' | 'sourceIds'>;

/** Checks that every referenced row exists, naming each missing one by its pointer. */
async function checkReferences(db: Db, input: { categoryId?: string | null } & Links) {
  const errors: FieldError[] = [];
  const missing = async (table: typeof tags | typeof sources | typeof authors | typeof categories, ids: string[], pointer: (i: number) => string) => {
    if (!ids.length) return;
    const found = new Set((await db.select({ id: table.id }).from(table).where(inArray(table.id, ids))).map((r) => r.id));
    ids.forEach((id, i) => {
      if (!found.has(id)) errors.push({ pointer: pointer(i), detail: `refers to a missing resource (${id})` });
    });
  };
  if (input.categoryId) await missing(categories, [input.categoryId], () => '/body/categoryId');
  if (input.tagIds) await missing(tags, input.tagIds, (i) => `/body/tagIds/${i}`);
  if (input.sourceIds) await missing(sources, input.sourceIds, (i) => `/body/sourceIds/${i}`);
  if (input.authors) {
    await missing(authors, input.authors.map((a) => a.authorId), (i) => `/body/authors/${i}/authorId`);
    const seen = new Set<string>();
    input.authors.forEach((a, i) => {
      const key = `${a.authorId}|${a.role}`;
      if (seen.has(key)) errors.push({ pointer: `/body/authors/${i}`, detail: 'lists the same author with the same role twice' });
      seen.add(key);
    });
  }
  if (errors.length) throw unprocessable(errors);
}

async function checkLocale(db: Db, locale: string, pointer: string) {
  const { codes } = await siteLocales(db);
  if (!codes.includes(locale)) throw unprocessable([{ pointer, detail: `is not a site locale (${codes.join(', ')})` }]);
}

async function checkSlugFree(db: Db, locale: string, slug: string, exceptId?: string) {
  const [row] = await db.select({ id: articles.id }).from(articles).where(and(eq(articles.locale, locale), eq(articles.slug, slug)));
  if (row && row.id !== exceptId) throw conflict(`An article with slug "${slug}" already exists in locale "${locale}".`, '/body/slug');
}

/** Replaces the ordered link rows that the input mentions; positions follow the array order. */
async function writeLinks(db: Db, articleId: string, input: Links) {
  if (input.tagIds) {
    await db.delete(articleTags).where(eq(articleTags.articleId, articleId));
    if (input.tagIds.length) await db.insert(articleTags).values(input.tagIds.map((tagId, position) => ({ articleId, tagId, position })));
  }
  if (input.authors) {
    await db.delete(articleAuthors).where(eq(articleAuthors.articleId, articleId));
    if (input.authors.length) {
      await db.insert(articleAuthors).values(input.authors.map((a, position) => ({ articleId, authorId: a.authorId, role: a.role, position })));
    }
  }
  if (input.sourceIds) {
    await db.delete(articleSources).where(eq(articleSources.articleId, articleId));
    if (input.sourceIds.length) await db.insert(articleSources).values(input.sourceIds.map((sourceId, position) => ({ articleId, sourceId, position })));
  }
}

/**
 * Publication dates for system callers (demo seed, test factories) that set a status directly; over
 * HTTP only the workflow actions (workflow.ts) change status and dates. Publishing sets publishedAt (now
 * unless given) and, the first time only, firstPublishedAt; 'scheduled' takes the given time as
 * publishAt, when the scheduler publishes it.
 */
function publicationDates(
  status: ArticleRow['status'],
  publishedAt: Date | null,
  firstPublishedAt: Date | null,
  now: Date,
): { publishedAt: Date | null; firstPublishedAt: Date | null; publishAt?: Date } {
  if (status === 'scheduled') return { publishedAt: null, firstPublishedAt, publishAt: publishedAt ?? now };
  if (status !== 'published') return { publishedAt, firstPublishedAt };
  const at = publishedAt ?? now;
  return { publishedAt: at, firstPublishedAt: firstPublishedAt ?? at };
}

/** The importer's recorded dates, taken as they are: an archived story keeps the dates it was published with. */
function importedDates(state: ImportedState) {
  const at = (s: string | null) => (s ? new Date(s) : null);
  return {
    publishedAt: at(state.publishedAt),
    firstPublishedAt: at(state.firstPublishedAt),
    publishAt: at(state.publishAt),
    unpublishAt: at(state.unpublishAt),
    embargoUntil: at(state.embargoUntil),
  };
}

/**
 * The translation group an article joins when it is a version of `otherId`'s story (the importer's
 * translationOf); refused when the story already has another version in `locale`.
 */
async function joinedGroup(db: Db, otherId: string, locale: string, selfId?: string): Promise<string> {
  const other = await loadRow(db, otherId);
  const [taken] = await db
    .select({ id: articles.id, slug: articles.slug })
    .from(articles)
    .where(and(eq(articles.translationGroupId, other.translationGroupId), eq(articles.locale, locale)));
  if (taken && taken.id !== selfId) {
    throw conflict(`The story of ${other.locale}/${other.slug} already has a "${locale}" version (${locale}/${taken.slug}).`, '/body/translationOf');
  }
  return other.translationGroupId;
}

export async function createArticle(db: Db, input: ArticleCreateInput, ctx: WriteContext): Promise<{ id: string }> {
  const { now } = ctx;
  await checkLocale(db, input.locale, '/body/locale');
  await checkReferences(db, input);
  const slug = input.slug ?? slugFrom(input.title, '/body/slug');
  await checkSlugFree(db, input.locale, slug);
  const body = cleanBlocks(input.body ?? []);
  const status = input.imported?.status ?? input.status ?? 'draft';
  const dates = input.imported ? importedDates(input.imported) : publicationDates(status, input.publishedAt ? new Date(input.publishedAt) : null, null, now);
  const translationGroupId = input.translationOf ? await joinedGroup(db, input.translationOf, input.locale) : uuidv7();
  const id = uuidv7();
  await db.transaction(async (tx) => {
    await tx.insert(articles).values({
      id,
      translationGroupId,
      locale: input.locale,
      slug,
      title: input.title,
      seoTitle: input.seoTitle ?? null,
      lead: input.lead ?? '',
      body,
      bodyHtml: renderBody(body),
      status,
      ...dates,
      categoryId: input.categoryId ?? null,
      coverImage: input.coverImage ?? null,
      datelinePlace: input.datelinePlace ?? null,
      originalStory: input.originalStory ?? null,
      seo: input.seo ?? {},
      corrections: input.imported?.corrections ?? [],
      createdByUserId: ctx.user?.id ?? null,
      createdAt: input.imported?.createdAt ? new Date(input.imported.createdAt) : now,
      updatedAt: now,
    });
    await writeLinks(tx, id, input);
    await recordRevision(tx, id, ctx, 'create');
    await recordAudit(tx, ctx, { action: 'article.create', resourceType: 'article', resourceId: id, details: { locale: input.locale, slug } });
    await afterArticleWrite(tx, id, null, now);
  });
  return { id };
}

/** The version another writer left behind, for the 412 that tells the caller what to read again. */
async function currentVersion(db: Db, id: string): Promise<number> {
  return (await loadRow(db, id)).version;
}

async function loadRow(db: Db, id: string): Promise<ArticleRow> {
  const [row] = await db.select().from(articles).where(eq(articles.id, id));
  if (!row) throw notFound('Article');
  return row;
}

/** `reason` labels the revision (and the audit entry when not a plain update), e.g. "restore of 3". */
export async function updateArticle(
  db: Db,
  id: string,
  input: ArticleUpdateInput,
  ctx: WriteContext,
  reason = 'update',
): Promise<{ id: string }> {
  const { now } = ctx;
  const current = await loadRow(db, id);
  // Role before version: a caller who may not edit learns that, not that the row moved on.
  await assertCanEdit(db, ctx, current);
  checkVersion(current.version, ctx);
  await checkReferences(db, input);
  if (input.slug) await checkSlugFree(db, current.locale, input.slug, id);
  const status = input.imported?.status ?? input.status ?? current.status;
  const publishedAt = input.publishedAt !== undefined ? (input.publishedAt ? new Date(input.publishedAt) : null) : current.publishedAt;
  // An edit (the API's PATCH) leaves the dates alone; only system callers pass status or publishedAt.
  const dates = input.imported
    ? importedDates(input.imported)
    : input.status !== undefined || input.publishedAt !== undefined
      ? publicationDates(status, publishedAt, current.firstPublishedAt, now)
      : {};
  const translationGroupId = input.translationOf ? await joinedGroup(db, input.translationOf, current.locale, id) : undefined;
  const body = input.body ? cleanBlocks(input.body) : undefined;
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(articles)
      .set({
        slug: input.slug,
        title: input.title,
        seoTitle: input.seoTitle,
        lead: input.lead,
        ...(body ? { body, bodyHtml: renderBody(body) } : {}),
        status,
        ...dates,
        corrections: input.imported?.corrections,
        translationGroupId,
        categoryId: input.categoryId,
        coverImage: input.coverImage,
        datelinePlace: input.datelinePlace,
        originalStory: input.originalStory,
        seo: input.seo,
        updatedAt: now,
        version: sql`${articles.version} + 1`,
      })
      // Conditional on the version read above: of two concurrent writers only one matches.
      .where(and(eq(articles.id, id), eq(articles.version, current.version)))
      .returning({ id: articles.id });
    if (!updated.length) throw preconditionFailed(await currentVersion(tx, id));
    await writeLinks(tx, id, input);
    await recordRevision(tx, id, ctx, reason);
    await recordAudit(tx, ctx, {
      action: 'article.update',
      resourceType: 'article',
      resourceId: id,
      details: { fields: Object.keys(input), ...(reason === 'update' ? {} : { reason }) },
    });
    await afterArticleWrite(tx, id, current, now);
  });
  return { id };
}

export async function deleteArticle(db: Db, id: string, ctx: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    // Link rows go with it (ON DELETE CASCADE); revisions stay, as history.
    const current = await loadRow(tx, id);
    await assertCanEdit(tx, ctx, current);
    checkVersion(current.version, ctx);
    const deleted = await tx
      .delete(articles)
      .where(and(eq(articles.id, id), eq(articles.version, current.version)))
      .returning({ id: articles.id, locale: articles.locale, slug: articles.slug });
    if (!deleted.length) throw preconditionFailed(await currentVersion(tx, id));
    await recordAudit(tx, ctx, { action: 'article.delete', resourceType: 'article', resourceId: id, details: { locale: deleted[0].locale, slug: deleted[0].slug } });
    await afterArticleWrite(tx, id, current, ctx.now);
  });
}

/**
 * A draft copy of the article in another locale, in the same translation group, with the same
 * category, tags, authors, sources and images, for a translator to rewrite.
 */
export async function createTranslation(
  db: Db,
  sourceId: string,
  input: { locale: string; slug?: string },
  ctx: WriteContext,
): Promise<{ id: string }> {
  const { now } = ctx;
  const source = await loadRow(db, sourceId);
  await checkLocale(db, input.locale, '/body/locale');
  const [existing] = await db
    .select({ id: articles.id })
    .from(articles)
    .where(and(eq(articles.translationGroupId, source.translationGroupId), eq(articles.locale, input.locale)));
  if (existing) {
    throw conflict(`This story already has a "${input.locale}" version.`, '/body/locale', { existingId: existing.id });
  }
  const slug = input.slug ?? source.slug;
  await checkSlugFree(db, input.locale, slug);
  const id = uuidv7();
  await db.transaction(async (tx) => {
    await tx.insert(articles).values({
      ...source,
      id,
      locale: input.locale,
      slug,
      status: 'draft',
      publishedAt: null,
      firstPublishedAt: null,
      publishAt: null,
      unpublishAt: null,
      corrections: [],
      createdByUserId: ctx.user?.id ?? null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    // One after another: a transaction is one connection, and pg 9 refuses overlapping queries on it.
    const tagRows = await tx.select().from(articleTags).where(eq(articleTags.articleId, sourceId));
    const authorRows = await tx.select().from(articleAuthors).where(eq(articleAuthors.articleId, sourceId));
    const sourceRows = await tx.select().from(articleSources).where(eq(articleSources.articleId, sourceId));
    if (tagRows.length) await tx.insert(articleTags).values(tagRows.map((r) => ({ ...r, articleId: id })));
    if (authorRows.length) await tx.insert(articleAuthors).values(authorRows.map((r) => ({ ...r, articleId: id })));
    if (sourceRows.length) await tx.insert(articleSources).values(sourceRows.map((r) => ({ ...r, articleId: id })));
    await recordRevision(tx, id, ctx, 'create');
    await recordAudit(tx, ctx, { action: 'article.translate', resourceType: 'article', resourceId: id, details: { from: sourceId, locale: input.locale } });
    await afterArticleWrite(tx, id, null, now, 'translation');
  });
  return { id };
}
