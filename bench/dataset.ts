// A reproducible newsroom for the benchmarks: taxonomy through the services, articles in bulk.
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../src/db/client.js';
import { articleAuthors, articles, articleSources, articleTags } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { cleanBlocks, renderBody } from '../src/modules/articles/render.js';
import type { Block } from '../src/modules/articles/schemas.js';
import { createAuthor } from '../src/modules/authors/service.js';
import { createCategory } from '../src/modules/categories/service.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { createSource } from '../src/modules/sources/service.js';
import { createTag } from '../src/modules/tags/service.js';

export interface DatasetOptions {
  /** Article rows in total, translations included. */
  articles: number;
  seed?: number;
  now?: Date;
}

export interface Dataset {
  articles: number;
  published: number;
  translations: number;
  categories: number;
  tags: number;
  authors: number;
  sources: number;
  /** Slugs of visible English articles that have a visible Chinese translation. */
  bilingualSlugs: string[];
  /** The most used tag and a top-level category, for the filter scenario. */
  popularTagSlug: string;
  rootCategorySlug: string;
}

/** mulberry32: a tiny seeded PRNG, so every run builds the same data set. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'river flood council budget election harbour market school hospital bridge railway festival drought ' +
  'minister court strike factory vaccine typhoon museum stadium coast energy solar port rice export ' +
  'village police reform tariff startup transit heritage monsoon airport district water climate housing'
).split(' ');
const ZH_WORDS = '河流 洪水 议会 预算 选举 港口 市场 学校 医院 桥梁 铁路 节日 干旱 部长 法院 罢工 工厂 疫苗 台风 博物馆'.split(' ');

const ROOTS = [
  { slug: 'news', en: 'News', zh: '新闻', children: [['national', 'National', '国内'], ['world', 'World', '国际']] },
  { slug: 'business', en: 'Business', zh: '商业', children: [['markets', 'Markets', '市场'], ['technology', 'Technology', '科技']] },
  { slug: 'sports', en: 'Sports', zh: '体育', children: [['football', 'Football', '足球'], ['tennis', 'Tennis', '网球']] },
  { slug: 'culture', en: 'Culture', zh: '文化', children: [['film', 'Film', '电影'], ['books', 'Books', '图书']] },
  { slug: 'opinion', en: 'Opinion', zh: '观点', children: [['editorials', 'Editorials', '社论'], ['letters', 'Letters', '来信']] },
] as const;

export async function buildDataset(db: Db, options: DatasetOptions): Promise<Dataset> {
  const rand = prng(options.seed ?? 20250101);
  const now = options.now ?? new Date();
  const ctx = systemContext(now, 'bench');
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const words = (n: number, list: readonly string[] = WORDS) => Array.from({ length: n }, () => pick(list)).join(' ');
  const sentence = (n: number) => {
    const s = words(n);
    return s[0].toUpperCase() + s.slice(1) + '.';
  };

  await replaceSiteSettings(db, {
    ...DEFAULT_SETTINGS,
    name: { en: 'Dateline Daily', zh: '日界线日报' },
    locales: [
      { code: 'en', name: 'English' },
      { code: 'zh', name: '中文' },
    ],
    defaultLocale: 'en',
    timeZone: 'Asia/Shanghai',
    logoUrl: 'https://cdn.example.com/logo.svg',
    contact: {
      address: { en: '1 Harbour Road, Hong Kong', zh: '香港海港道1号' },
      email: 'desk@example.com',
      phone: '+852 1234 5678',
      advertising: { en: 'Advertise with us', zh: '广告合作' },
      advertisingEmail: 'ads@example.com',
      advertisingPhone: null,
    },
    legalLinks: [
      { label: { en: 'Privacy', zh: '隐私' }, url: 'https://example.com/privacy' },
      { label: { en: 'Terms', zh: '条款' }, url: 'https://example.com/terms' },
      { label: { en: 'Corrections', zh: '更正' }, url: 'https://example.com/corrections' },
    ],
    copyright: { en: '© Dateline Daily', zh: '© 日界线日报' },
  }, ctx);

  // 5 sections with 2 subsections each: 15 categories.
  const categoryIds: string[] = [];
  for (const [i, root] of ROOTS.entries()) {
    const parent = await createCategory(db, {
      slug: root.slug,
      position: i,
      names: { en: root.en, zh: root.zh },
      descriptions: { en: `${root.en} from our reporters`, zh: `${root.zh}报道` },
    }, ctx);
    categoryIds.push(parent.id);
    for (const [j, [slug, en, zh]] of root.children.entries()) {
      const child = await createCategory(db, { slug, parentId: parent.id, position: j, names: { en, zh } }, ctx);
      categoryIds.push(child.id);
    }
  }

  const tagIds: string[] = [];
  const tagSlugs: string[] = [];
  for (let i = 0; i < 50; i++) {
    const tag = await createTag(db, { slug: `topic-${i + 1}`, names: { en: `Topic ${i + 1} ${WORDS[i % WORDS.length]}`, zh: `话题${i + 1}` } }, ctx);
    tagIds.push(tag.id);
    tagSlugs.push(tag.slug);
  }
  const authorIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const author = await createAuthor(db, {
      name: `Reporter ${i + 1}`,
      slug: `reporter-${i + 1}`,
      bios: { en: `Covers ${words(3)} for Dateline.`, zh: `负责${pick(ZH_WORDS)}报道。` },
      avatarUrl: `https://cdn.example.com/authors/${i + 1}.jpg`,
      email: `reporter${i + 1}@example.com`,
    }, ctx);
    authorIds.push(author.id);
  }
  const sourceIds: string[] = [];
  const kinds = ['agency', 'outlet', 'partner'] as const;
  for (let i = 0; i < 8; i++) {
    const source = await createSource(db, {
      slug: `source-${i + 1}`,
      shortName: `SRC${i + 1}`,
      fullName: `Source Number ${i + 1} News Agency`,
      url: `https://source${i + 1}.example.com`,
      kind: kinds[i % kinds.length],
    }, ctx);
    sourceIds.push(source.id);
  }

  // Tags follow a skewed popularity (index ~ r²), like real newsroom topics.
  const distinct = (n: number, draw: () => number) => {
    const out = new Set<number>();
    while (out.size < n) out.add(draw());
    return [...out];
  };
  const body = (title: string, zh: boolean): Block[] => {
    const p = () => (zh ? `${words(40, ZH_WORDS)}。` : `${sentence(18)} ${sentence(22)} ${sentence(15)}`);
    return [
      { type: 'paragraph', text: `${p()} <a href="https://example.com/${pick(WORDS)}">${pick(WORDS)}</a> <strong>${pick(WORDS)}</strong>` },
      { type: 'heading', level: 2, text: title.slice(0, 60) },
      { type: 'paragraph', text: p() },
      { type: 'quote', text: sentence(14), attribution: `Reporter ${1 + Math.floor(rand() * 20)}` },
      rand() < 0.5
        ? { type: 'image', url: `https://cdn.example.com/img/${Math.floor(rand() * 1e6)}.jpg`, alt: sentence(5), caption: sentence(10), credit: 'Photo: Dateline', width: 1600, height: 900 }
        : { type: 'list', style: 'bulleted', items: [sentence(6), sentence(7), `${sentence(5)} <em>${pick(WORDS)}</em>`] },
      { type: 'paragraph', text: p() },
    ];
  };

  type ArticleInsert = typeof articles.$inferInsert;
  const rows: ArticleInsert[] = [];
  const tagLinks: Array<typeof articleTags.$inferInsert> = [];
  const authorLinks: Array<typeof articleAuthors.$inferInsert> = [];
  const sourceLinks: Array<typeof articleSources.$inferInsert> = [];
  const bilingualSlugs: string[] = [];
  const tagUse = new Array<number>(tagIds.length).fill(0);
  let translations = 0;
  let published = 0;
  const DAY = 86_400_000;

  for (let story = 0; rows.length < options.articles; story++) {
    const groupId = uuidv7();
    const roll = rand();
    // 92% published in the last two years; the rest drafts, scheduled or archived.
    const status = roll < 0.92 ? 'published' : roll < 0.96 ? 'draft' : roll < 0.98 ? 'scheduled' : 'archived';
    const publishedAt =
      status === 'published' || status === 'archived'
        ? new Date(now.getTime() - 3_600_000 - Math.floor(rand() * 730 * DAY))
        : status === 'scheduled'
          ? new Date(now.getTime() + Math.floor(rand() * 30 * DAY))
          : null;
    const categoryId = pick(categoryIds);
    const tagPicks = distinct(3, () => Math.floor(rand() * rand() * tagIds.length));
    const authorPicks = distinct(rand() < 0.7 ? 1 : 2, () => Math.floor(rand() * authorIds.length));
    const sourcePicks = distinct(2, () => Math.floor(rand() * sourceIds.length));
    const title = `${sentence(7).slice(0, -1)}`;
    const slug = `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${story + 1}`;
    const withZh = rand() < 0.25 && rows.length + 1 < options.articles;
    const createdAt = new Date((publishedAt ?? now).getTime() - 2 * 3_600_000);
    const versions: Array<{ locale: 'en' | 'zh'; title: string; lead: string }> = [
      { locale: 'en', title, lead: sentence(20) },
    ];
    if (withZh) versions.push({ locale: 'zh', title: `${words(6, ZH_WORDS).replace(/ /g, '')}`, lead: `${words(12, ZH_WORDS).replace(/ /g, '')}。` });
    for (const v of versions) {
      const id = uuidv7();
      const blocks = cleanBlocks(body(v.title, v.locale === 'zh'));
      rows.push({
        id,
        translationGroupId: groupId,
        locale: v.locale,
        slug,
        title: v.title,
        seoTitle: null,
        lead: v.lead,
        body: blocks,
        bodyHtml: renderBody(blocks),
        status,
        publishedAt,
        firstPublishedAt: status === 'published' || status === 'archived' ? publishedAt : null,
        categoryId,
        coverImage: { url: `https://cdn.example.com/cover/${story}.jpg`, alt: title, caption: null, credit: 'Photo: Dateline', width: 1600, height: 900 },
        datelinePlace: pick(['Hong Kong', 'Hanoi', 'Singapore', 'Taipei', 'Bangkok']),
        originalStory: null,
        seo: v.locale === 'en' ? { description: v.lead.slice(0, 150) } : {},
        createdAt,
        updatedAt: createdAt,
      });
      if (status === 'published') published++;
      if (v.locale === 'zh') translations++;
      tagPicks.forEach((t, position) => {
        tagLinks.push({ articleId: id, tagId: tagIds[t], position });
        tagUse[t]++;
      });
      authorPicks.forEach((a, position) =>
        authorLinks.push({ articleId: id, authorId: authorIds[a], role: position === 0 ? 'writer' : 'photographer', position }),
      );
      sourcePicks.forEach((s, position) => sourceLinks.push({ articleId: id, sourceId: sourceIds[s], position }));
    }
    if (withZh && status === 'published' && bilingualSlugs.length < 200) bilingualSlugs.push(slug);
  }

  // Bulk insert in chunks that stay far below PostgreSQL's 65535 bind parameters.
  const insertChunks = async <T>(rowsToInsert: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rowsToInsert.length; i += size) await insert(rowsToInsert.slice(i, i + size));
  };
  await db.transaction(async (tx) => {
    await insertChunks(rows, 500, (c) => tx.insert(articles).values(c));
    await insertChunks(tagLinks, 2000, (c) => tx.insert(articleTags).values(c));
    await insertChunks(authorLinks, 2000, (c) => tx.insert(articleAuthors).values(c));
    await insertChunks(sourceLinks, 2000, (c) => tx.insert(articleSources).values(c));
  });
  // Autovacuum would do this on a live server eventually; the benchmark should not measure stale statistics.
  await db.execute(sql`ANALYZE`);

  const popular = tagUse.indexOf(Math.max(...tagUse));
  return {
    articles: rows.length,
    published,
    translations,
    categories: categoryIds.length,
    tags: tagIds.length,
    authors: authorIds.length,
    sources: sourceIds.length,
    bilingualSlugs,
    popularTagSlug: tagSlugs[popular],
    rootCategorySlug: 'news',
  };
}
