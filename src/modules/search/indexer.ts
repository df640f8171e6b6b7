// Keeps article_search in step with articles: one weighted tsvector per article (title A, lead B, body C),
// written in the transaction of the article write that changed the text.
import { eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles, articleSearch } from '../../db/schema/index.js';
import type { ArticleRow } from '../articles/queries.js';
import type { Block } from '../articles/schemas.js';
import { cjkBigrams, plainText, searchLanguage } from './language.js';

/** The searchable text of the body: paragraphs, headings, quotes with attribution, captions, list items. */
export function bodyText(blocks: Block[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    if (b.type === 'paragraph') parts.push(plainText(b.text));
    else if (b.type === 'heading') parts.push(b.text);
    else if (b.type === 'quote') parts.push(b.text, b.attribution ?? '');
    else if (b.type === 'image') parts.push(b.caption ?? '', b.alt);
    else if (b.type === 'list') parts.push(...b.items.map(plainText));
    else if (b.type === 'embed') parts.push(b.title ?? '');
  }
  return parts.filter(Boolean).join('\n');
}

/** to_tsvector for one weighted part, as the locale's language wants it. */
export function vectorOf(locale: string, text: string, weight: 'A' | 'B' | 'C'): SQL {
  const lang = searchLanguage(locale);
  const w = sql.raw(`'${weight}'`);
  if (lang.kind === 'stemmed') return sql`setweight(to_tsvector(${lang.config}::regconfig, ${text}), ${w})`;
  if (lang.kind === 'cjk') return sql`setweight(to_tsvector('simple', ${cjkBigrams(text)}), ${w})`;
  return sql`setweight(to_tsvector('simple', unaccent(${text})), ${w})`;
}

const SEARCH_FIELDS = ['locale', 'title', 'lead', 'body'] as const;

/** True when a write changed what the search document is built from (or created the article). */
export function searchTextChanged(before: ArticleRow | null, after: ArticleRow): boolean {
  if (!before) return true;
  return SEARCH_FIELDS.some((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

type IndexableRow = Pick<ArticleRow, 'id' | 'locale' | 'title' | 'lead' | 'body'>;

export async function indexArticle(db: Db, row: IndexableRow): Promise<void> {
  const document = sql`${vectorOf(row.locale, row.title, 'A')} || ${vectorOf(row.locale, row.lead, 'B')} || ${vectorOf(row.locale, bodyText(row.body as Block[]), 'C')}`;
  await db
    .insert(articleSearch)
    .values({ articleId: row.id, document })
    .onConflictDoUpdate({ target: articleSearch.articleId, set: { document } });
}

/**
 * Builds the documents that are missing (articles written before search existed, or by a bulk load), in
 * batches; run at start-up. Returns how many it wrote.
 */
export async function indexMissing(db: Db, batch = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db
      .select({ id: articles.id, locale: articles.locale, title: articles.title, lead: articles.lead, body: articles.body })
      .from(articles)
      .leftJoin(articleSearch, eq(articleSearch.articleId, articles.id))
      .where(isNull(articleSearch.articleId))
      .limit(batch);
    if (!rows.length) return total;
    await db.transaction(async (tx) => {
      for (const row of rows) await indexArticle(tx, row);
    });
    total += rows.length;
  }
}
