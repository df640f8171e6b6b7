// Seeds the demo content (demo-*.ts) into an empty database through the module services, in one transaction.
import { count, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { articles } from '../db/schema/index.js';
import { createArticle, createTranslation, updateArticle } from '../modules/articles/service.js';
import { createAuthor } from '../modules/authors/service.js';
import { createCategory } from '../modules/categories/service.js';
import { replaceSiteSettings } from '../modules/site/service.js';
import { createSource } from '../modules/sources/service.js';
import { createTag } from '../modules/tags/service.js';
import { featureArticles } from './demo-articles-features.js';
import { newsArticles } from './demo-articles-news.js';
import { authors, categories, type DemoArticle, DEMO_HOST, siteSettings, sources, tags } from './demo-data.js';
import { flagship } from './demo-flagship.js';
import { systemContext } from '../http/context.js';

export { FLAGSHIP_SLUG } from './demo-flagship.js';

export const demoArticles: DemoArticle[] = [flagship, ...newsArticles, ...featureArticles];

// Any fixed number: API processes starting together against one PostgreSQL seed once, not twice.
const SEED_LOCK_ID = 724_031_006;
const DAY = 86_400_000;
/** Translations go out a few hours after the original. */
const TRANSLATION_DELAY = 3 * 3_600_000;

/** Seeds demo content into an empty database; false when articles already exist (nothing is touched). */
export async function seedDemo(db: Db, log: (msg: string) => void, now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEED_LOCK_ID})`);
    const [row] = await tx.select({ n: count() }).from(articles);
    if (Number(row.n) > 0) {
      log('Demo seed skipped: the database already has articles.');
      return false;
    }

    const seedContext = systemContext(now, 'demo seed');
    await replaceSiteSettings(tx, siteSettings, seedContext);

    // Parents come first in the data; position is the order among siblings.
    const categoryIds = new Map<string, string>();
    const siblings = new Map<string, number>();
    for (const c of categories) {
      const parentId = c.parent ? idOf(categoryIds, c.parent, 'category') : null;
      const position = siblings.get(c.parent ?? '') ?? 0;
      siblings.set(c.parent ?? '', position + 1);
      const created = await createCategory(tx, { slug: c.slug, parentId, position, names: c.names, descriptions: c.descriptions }, seedContext);
      categoryIds.set(c.slug, created.id);
    }
    const tagIds = new Map<string, string>();
    for (const t of tags) tagIds.set(t.slug, (await createTag(tx, { slug: t.slug, names: t.names }, seedContext)).id);
    const authorIds = new Map<string, string>();
    for (const a of authors) authorIds.set(a.slug, (await createAuthor(tx, a, seedContext)).id);
    const sourceIds = new Map<string, string>();
    for (const s of sources) sourceIds.set(s.slug, (await createSource(tx, s, seedContext)).id);

    const byline = (list: DemoArticle['authors']) => list.map(([slug, role]) => ({ authorId: idOf(authorIds, slug, 'author'), role }));

    let translations = 0;
    for (const a of demoArticles) {
      const publishedAt = new Date(now.getTime() - a.daysAgo * DAY);
      const status = a.status ?? 'published';
      // Past stories are written "at" their publication time, so createdAt reads naturally.
      const writtenAt = publishedAt < now ? publishedAt : now;
      const { id } = await createArticle(
        tx,
        {
          locale: 'en',
          slug: a.slug,
          title: a.title,
          seoTitle: a.seoTitle ?? null,
          lead: a.lead,
          body: a.body,
          status,
          publishedAt: status === 'draft' ? null : publishedAt.toISOString(),
          categoryId: idOf(categoryIds, a.category, 'category'),
          tagIds: a.tags.map((slug) => idOf(tagIds, slug, 'tag')),
          authors: byline(a.authors),
          sourceIds: a.sources.map((slug) => idOf(sourceIds, slug, 'source')),
          coverImage: a.coverImage,
          datelinePlace: a.datelinePlace,
          originalStory: a.originalStory ?? null,
          seo: a.seo ?? {},
        },
        systemContext(writtenAt, 'demo seed'),
      );

      const tr = a.translation;
      if (!tr) continue;
      const translatedAt = new Date(Math.min(publishedAt.getTime() + TRANSLATION_DELAY, now.getTime()));
      // A draft copy of the English story (same category, tags, sources), then the translator's text.
      const copy = await createTranslation(tx, id, { locale: tr.locale, slug: tr.slug }, systemContext(translatedAt, 'demo seed'));
      await updateArticle(
        tx,
        copy.id,
        {
          title: tr.title,
          seoTitle: tr.seoTitle ?? null,
          lead: tr.lead,
          ...(tr.datelinePlace ? { datelinePlace: tr.datelinePlace } : {}),
          body: tr.body,
          coverImage: tr.coverImage ?? a.coverImage,
          authors: byline(tr.authors),
          seo: tr.seo ?? {},
          originalStory: tr.originalStory ?? {
            publisher: siteSettings.name.en,
            locale: 'en',
            url: `${DEMO_HOST}/en/${a.category}/${a.slug}`,
            articleId: id,
          },
          status,
          publishedAt: status === 'draft' ? null : translatedAt.toISOString(),
        },
        systemContext(translatedAt, 'demo seed'),
      );
      translations++;
    }

    log(
      `Demo seed: ${categories.length} categories, ${tags.length} tags, ${authors.length} authors, ${sources.length} sources, ` +
        `${demoArticles.length} English articles and ${translations} translations.`,
    );
    return true;
  });
}

function idOf(ids: Map<string, string>, slug: string, what: string): string {
  const id = ids.get(slug);
  if (!id) throw new Error(`Demo data refers to an unknown ${what} "${slug}".`);
  return id;
}
