// Full-text search over public articles: one ranked, keyset-paginated query on article_search, then the
// usual presentation (present()) and one more query for stemmed-language snippets.
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles, articleSearch } from '../../db/schema/index.js';
import { type Page, paginate } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import type { ArticleFields, ArticleRow } from '../articles/queries.js';
import { articleFilters, parseFields, parseInclude, present } from '../articles/queries.js';
import type { Block } from '../articles/schemas.js';
import { visibleTo, type Viewer } from '../articles/visibility.js';
import { siteLocales } from '../site/service.js';
import { headlineToHtml, highlightTerms, markAll, snippetAround, START_MARK, STOP_MARK } from './highlight.js';
import { bodyText } from './indexer.js';
import { cjkBigrams, searchLanguage } from './language.js';
import { DEFAULT_RESULT_FIELDS, type SearchQuery } from './schemas.js';

export type SearchResult = ArticleFields & { search: { score: number; title: string; snippet: string } };

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const quote = (lexeme: string) => `'${lexeme.replace(/'/g, "''")}'`;

/**
 * A to_tsquery expression for CJK text built by hand (websearch syntax cannot say "prefix"): each run of
 * two or more characters is a phrase of its bigrams (湄公河 → '湄公' <-> '公河'), a single character is a
 * prefix of the bigrams that start with it, other words are plain lexemes; all of them ANDed. Only letters
 * and digits survive, so no input can inject tsquery syntax. Empty when nothing searchable is left.
 */
export function cjkTsquery(q: string): string {
  const parts: string[] = [];
  for (const token of q.replace(/[^\p{L}\p{N}]+/gu, ' ').split(' ').filter(Boolean)) {
    for (const piece of token.split(CJK_RUN).filter(Boolean)) parts.push(quote(piece.toLowerCase()));
    for (const [run] of token.matchAll(CJK_RUN)) {
      const chars = Array.from(run);
      if (chars.length === 1) parts.push(`${quote(run)}:*`);
      else parts.push(`(${cjkBigrams(run).trim().split(/\s+/).slice(0, -1).map(quote).join(' <-> ')})`);
    }
  }
  return parts.join(' & ');
}

/** The tsquery for `q` in the language of `locale`, matching how indexer.ts built the documents. */
export function tsqueryFor(locale: string, q: string): SQL {
  const lang = searchLanguage(locale);
  if (lang.kind === 'stemmed') return sql`websearch_to_tsquery(${lang.config}::regconfig, ${q})`;
  if (lang.kind === 'unaccented') return sql`websearch_to_tsquery('simple', unaccent(${q}))`;
  return sql`to_tsquery('simple', ${cjkTsquery(q)})`;
}

type Hit = ArticleRow & { score: string };

/**
 * `rankWindow`: relevance is computed for the newest this-many matches only. Ranking reads every document it
 * scores (a common word matches half the archive), so an unbounded rank grows with the archive; news readers
 * want recent stories first anyway. Date order and meta=total cover every match.
 */
export async function searchArticles(db: Db, q: SearchQuery, selfUrl: string, viewer: Viewer, rankWindow: number): Promise<Page<SearchResult>> {
  const opts = { include: q.include, fields: q.fields ?? DEFAULT_RESULT_FIELDS };
  parseInclude(opts.include);
  parseFields(opts.fields);
  const locale = q.locale ?? (await siteLocales(db)).defaultLocale;
  const lang = searchLanguage(locale);
  if (lang.kind === 'cjk' && !cjkTsquery(q.q)) return emptyPage(selfUrl);

  const query = tsqueryFor(locale, q.q);
  // Rounded so that a cursor carries the exact value the next page compares against.
  const score = sql<string>`round(ts_rank(${articleSearch.document}, ${query})::numeric, 6)`;
  const sortable: Record<string, SortableField> = {
    relevance: { expr: score, read: (r) => String(r.score), cast: 'numeric' },
    publishedAt: { expr: sql`${articles.publishedAt}`, read: (r) => (r.publishedAt as Date).toISOString(), cast: 'timestamptz' },
  };
  // Results are public documents: the viewer's drafts never appear, whoever asks.
  const where = and(
    sql`${articleSearch.document} @@ ${query}`,
    eq(articles.locale, locale),
    visibleTo({ canReadDrafts: false, now: viewer.now }),
    ...articleFilters(q),
  );
  // The default order is best first; relevance is the documented default even when the client passes nothing.
  const sort = q.sort === 'relevance' || !q.sort ? '-relevance' : q.sort;
  // The newest matches walk the articles' order index and stop after rankWindow (rare words: the GIN index, then a sort).
  const ranked = sort.includes('relevance')
    ? sql`${articles.id} IN (SELECT ${articles.id} FROM ${articleSearch} INNER JOIN ${articles} ON ${articles.id} = ${articleSearch.articleId}
        WHERE ${where} ORDER BY COALESCE(${articles.publishedAt}, '-infinity'::timestamptz) DESC, ${articles.id} LIMIT ${rankWindow})`
    : undefined;
  const page = await paginate<Hit>({
    query: { ...q, sort },
    sortable,
    defaultSort: '-relevance',
    idExpr: sql`${articles.id}`,
    selfUrl,
    fetch: async (seek, orderBy, limit) =>
      (await db
        .select({ article: articles, score })
        .from(articleSearch)
        .innerJoin(articles, eq(articles.id, articleSearch.articleId))
        .where(and(where, ranked, seek))
        .orderBy(...orderBy)
        .limit(limit)).map((r) => ({ ...r.article, score: r.score })),
    count: async () =>
      Number(
        (await db.select({ n: sql<number>`count(*)` }).from(articleSearch).innerJoin(articles, eq(articles.id, articleSearch.articleId)).where(where))[0].n,
      ),
  });
  const items = await present(db, page.items, opts, viewer);
  const marks = await highlights(db, locale, q.q, page.items);
  return {
    ...page,
    items: items.map((item, i) => ({ ...item, search: { score: Number(page.items[i].score), ...marks[i] } })),
  };
}

function emptyPage(selfUrl: string): Page<SearchResult> {
  const u = new URL(selfUrl, 'http://x');
  return { items: [], links: { self: u.pathname + u.search }, meta: { page: { size: 0 } } };
}

/** Title and snippet with <mark>: ts_headline for stemmed languages (it knows "floods" matched "flood"), our own folding otherwise. */
async function highlights(db: Db, locale: string, q: string, rows: ArticleRow[]): Promise<Array<{ title: string; snippet: string }>> {
  if (!rows.length) return [];
  const texts = rows.map((r) => [r.lead, bodyText(r.body as Block[])].filter(Boolean).join(' ').replace(/\s+/g, ' '));
  const lang = searchLanguage(locale);
  if (lang.kind === 'stemmed') {
    const options = `StartSel=${START_MARK}, StopSel=${STOP_MARK}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;
    const titleOptions = `StartSel=${START_MARK}, StopSel=${STOP_MARK}, HighlightAll=true`;
    const query = tsqueryFor(locale, q);
    // One query for the whole page: the texts travel as arrays and come back in order.
    const { rows: marked } = (await db.execute(sql`
      SELECT ts_headline(${lang.config}::regconfig, t.title, ${query}, ${titleOptions}) AS title,
             ts_headline(${lang.config}::regconfig, t.text, ${query}, ${options}) AS snippet
      FROM unnest(${sql.param(rows.map((r) => r.title))}::text[], ${sql.param(texts)}::text[]) WITH ORDINALITY AS t(title, text, n)
      ORDER BY t.n`)) as unknown as { rows: Array<{ title: string; snippet: string }> };
    return marked.map((r) => ({ title: headlineToHtml(r.title), snippet: headlineToHtml(r.snippet) }));
  }
  const terms = highlightTerms(q);
  return rows.map((r, i) => ({ title: markAll(r.title, terms), snippet: snippetAround(texts[i], terms).html }));
}
