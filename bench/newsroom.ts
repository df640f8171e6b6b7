// The bench newsroom as rows: a taxonomy (20 categories, 5,000 tags, 500 authors, 30 sources) and articles in
// batches of column arrays, ready for INSERT ... SELECT FROM unnest(...) (bench/seed.ts). Pure: no database.
import { cjkBigrams } from '../src/modules/search/language.js';
import { below, contentWord, EN, enPhrase, enSentence, prng, type Rng, uniform, word, zhPhrase, zhSentence, ZH, zipf } from './text.js';

export const TAG_COUNT = 5000;
export const AUTHOR_COUNT = 500;
export const SOURCE_COUNT = 30;
/** Share of stories that also have a zh translation: 25 % of stories makes zh 20 % of articles. */
const ZH_SHARE_OF_STORIES = 0.25;
const DRAFT_SHARE = 0.05;
const YEARS = 10;
const DAY = 86_400_000;

/** A UUIDv7 from a timestamp and the seeded PRNG (deterministic, unlike uuid's v7, and faster). */
export function uuid7(ms: number, rng: Rng): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const r1 = rng();
  const r2 = rng();
  const r3 = rng();
  return (
    hex(Math.floor(ms / 0x10000), 8) +
    '-' +
    hex(ms % 0x10000, 4) +
    '-' +
    hex(0x7000 | (r1 & 0xfff), 4) +
    '-' +
    hex(0x8000 | ((r1 >>> 12) & 0x3fff), 4) +
    '-' +
    hex(r2, 8) +
    hex(r3 & 0xffff, 4)
  );
}

export interface CategoryRow {
  id: string;
  parentId: string | null;
  slug: string;
  position: number;
  names: { en: string; zh: string };
  descriptions: { en: string; zh: string };
}
export interface TagRow {
  id: string;
  slug: string;
  names: { en: string; zh: string };
}
export interface AuthorRow {
  id: string;
  slug: string;
  name: string;
  bios: { en: string; zh: string };
  avatarUrl: string;
  email: string;
}
export interface SourceRow {
  id: string;
  slug: string;
  shortName: string;
  fullName: string;
  url: string;
  kind: 'agency' | 'outlet' | 'partner';
}
export interface Taxonomy {
  categories: CategoryRow[];
  tags: TagRow[];
  authors: AuthorRow[];
  sources: SourceRow[];
}

type CategoryTree = Array<[slug: string, en: string, zh: string, children?: CategoryTree]>;
/** 5 sections, 12 subsections, 3 sub-subsections: 20 categories, up to three levels for breadcrumbs. */
const CATEGORIES: CategoryTree = [
  ['news', 'News', '新闻', [
    ['national', 'National', '国内'],
    ['world', 'World', '国际', [['asia', 'Asia', '亚洲'], ['europe', 'Europe', '欧洲'], ['americas', 'Americas', '美洲']]],
    ['politics', 'Politics', '政治'],
  ]],
  ['business', 'Business', '商业', [['markets', 'Markets', '市场'], ['technology', 'Technology', '科技']]],
  ['sports', 'Sports', '体育', [['football', 'Football', '足球'], ['tennis', 'Tennis', '网球']]],
  ['culture', 'Culture', '文化', [['film', 'Film', '电影'], ['books', 'Books', '图书'], ['music', 'Music', '音乐']]],
  ['opinion', 'Opinion', '观点', [['editorials', 'Editorials', '社论'], ['letters', 'Letters', '来信']]],
];
export const ROOT_CATEGORY_SLUGS = CATEGORIES.map(([slug]) => slug);

const FIRST = 'Anna Ben Chen Dara Elif Farid Grace Hana Ivan Jun Kiran Lan Minh Nadia Omar Priya Quang Rosa Sanjay Tara Uma Vikram Wei Xin Yusuf Zara Leo Mai Noor Pablo'.split(' ');
const LAST = 'Nguyen Tan Lee Wong Patel Kim Garcia Silva Khan Ito Mendez Novak Okafor Rossi Schmidt Tran Yamada Zhang Lopez Haddad'.split(' ');
const PLACES = ['Hong Kong', 'Hanoi', 'Singapore', 'Taipei', 'Bangkok', 'Jakarta', 'Manila', 'Seoul', 'Tokyo', 'Kuala Lumpur', 'London', 'Washington'];

export function makeTaxonomy(seed: number, now: Date): Taxonomy {
  const rng = prng(seed ^ 0x5eed);
  const at = now.getTime() - YEARS * 365 * DAY - 30 * DAY;
  const categories: CategoryRow[] = [];
  const addCategories = (tree: CategoryTree, parentId: string | null) =>
    tree.forEach(([slug, en, zh, children], position) => {
      const id = uuid7(at, rng);
      categories.push({ id, parentId, slug, position, names: { en, zh }, descriptions: { en: `${en} from our reporters`, zh: `${zh}报道` } });
      if (children) addCategories(children, id);
    });
  addCategories(CATEGORIES, null);

  const tags: TagRow[] = [];
  const tagSlugs = new Set<string>();
  while (tags.length < TAG_COUNT) {
    // One word for the first tags, two after that: enough distinct names for 5,000 topics.
    const en = tags.length < 300 ? contentWord(EN, rng) : `${contentWord(EN, rng)} ${contentWord(EN, rng)}`;
    const slug = en.replace(/ /g, '-');
    if (tagSlugs.has(slug)) continue;
    tagSlugs.add(slug);
    tags.push({ id: uuid7(at, rng), slug, names: { en: en[0].toUpperCase() + en.slice(1), zh: zhPhrase(rng, 1 + below(rng, 2)) } });
  }

  const authors: AuthorRow[] = [];
  for (let i = 0; authors.length < AUTHOR_COUNT; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? ` ${i}` : ''}`;
    const slug = name.toLowerCase().replace(/ /g, '-');
    authors.push({
      id: uuid7(at, rng),
      slug,
      name,
      bios: { en: `Covers ${contentWord(EN, rng)} and ${contentWord(EN, rng)} for Dateline.`, zh: `负责${contentWord(ZH, rng)}报道。` },
      avatarUrl: `https://cdn.example.com/authors/${slug}.jpg`,
      email: `${slug}@example.com`,
    });
  }

  const kinds = ['agency', 'outlet', 'partner'] as const;
  const sources: SourceRow[] = Array.from({ length: SOURCE_COUNT }, (_, i) => ({
    id: uuid7(at, rng),
    slug: `source-${i + 1}`,
    shortName: `SRC${i + 1}`,
    fullName: `${enPhrase(rng, 2)} News ${kinds[i % 3] === 'agency' ? 'Agency' : 'Service'}`,
    url: `https://source${i + 1}.example.com`,
    kind: kinds[i % 3],
  }));
  return { categories, tags, authors, sources };
}

/** One batch of rows, column by column (the shape unnest() takes). JSON columns are JSON text. */
export interface ArticleBatch {
  articles: {
    id: string[];
    translationGroupId: string[];
    locale: string[];
    slug: string[];
    title: string[];
    lead: string[];
    body: string[];
    bodyHtml: string[];
    status: string[];
    publishedAt: Array<string | null>;
    categoryId: string[];
    coverImage: string[];
    datelinePlace: string[];
    seo: string[];
    createdAt: string[];
  };
  /** publishedAt: the article's, copied as afterArticleWrite does (it orders a tag's list). */
  tags: { articleId: string[]; tagId: string[]; position: number[]; publishedAt: Array<string | null> };
  authors: { articleId: string[]; authorId: string[]; role: string[]; position: number[] };
  sources: { articleId: string[]; sourceId: string[]; position: number[] };
  /** zh search text, already cut into CJK bigrams as the app's indexer does (title A, lead B, body C). */
  zhSearch: { articleId: string[]; title: string[]; lead: string[]; body: string[] };
}

export interface GeneratedCounts {
  articles: number;
  published: number;
  drafts: number;
  zh: number;
  tagLinks: number;
  authorLinks: number;
  sourceLinks: number;
  bodyHtmlBytes: number;
}

interface Body {
  /** Blocks as the API stores them (already what cleanBlocks returns: only allowed inline tags). */
  blocks: unknown[];
  /** What renderBody(blocks) returns for them: written out here, since sanitize-html costs ~0.5 ms a body. */
  html: string;
  /** What bodyText(blocks) returns (the search text), needed for zh only. */
  plain: string;
}

/** The same story body shape in both languages: 7–8 paragraphs, a heading, a quote, an image or a list. */
export function makeBody(rng: Rng, zh: boolean, author: string, n: number): Body {
  const sentence = zh ? () => zhSentence(rng, 10 + below(rng, 12)) : () => enSentence(rng, 10 + below(rng, 13));
  const sep = zh ? '' : ' ';
  const paragraph = () => Array.from({ length: 4 + below(rng, 3) }, sentence).join(sep);
  const w = zh ? () => contentWord(ZH, rng) : () => word(EN, rng);
  const blocks: unknown[] = [];
  const html: string[] = [];
  const plain: string[] = [];
  const para = (text: string, plainText: string) => {
    blocks.push({ type: 'paragraph', text });
    html.push(`<p>${text}</p>`);
    plain.push(plainText);
  };

  const [a, b, c, d] = [sentence(), sentence(), w(), w()];
  const linked = `${w()}${sep}${w()}`;
  para(
    `${a}${sep}<a href="https://example.com/${zh ? 'zh' : 'news'}/${n}">${linked}</a>${sep}${b}${sep}<strong>${c}</strong>${sep}${d}`,
    `${a}${sep}${linked}${sep}${b}${sep}${c}${sep}${d}`,
  );
  for (let i = 0; i < 2; i++) {
    const p = paragraph();
    para(p, p);
  }
  const heading = zh ? zhPhrase(rng, 3 + below(rng, 3)) : enPhrase(rng, 4 + below(rng, 4));
  blocks.push({ type: 'heading', level: 2, text: heading });
  html.push(`<h2>${heading}</h2>`);
  plain.push(heading);
  for (let i = 0; i < 2; i++) {
    const p = paragraph();
    para(p, p);
  }
  const quote = sentence();
  blocks.push({ type: 'quote', text: quote, attribution: author });
  html.push(`<blockquote><p>${quote}</p><footer>${author}</footer></blockquote>`);
  plain.push(quote, author);
  if (below(rng, 2) === 0) {
    const url = `https://cdn.example.com/img/${n}.jpg`;
    const alt = zh ? zhPhrase(rng, 3) : enPhrase(rng, 4);
    const caption = sentence();
    blocks.push({ type: 'image', url, alt, caption, credit: 'Photo: Dateline', width: 1600, height: 900 });
    html.push(`<figure><img src="${url}" alt="${alt}" width="1600" height="900" /><figcaption>${caption} <small>Photo: Dateline</small></figcaption></figure>`);
    plain.push(caption, alt);
  } else {
    const emphasized = w();
    const items = [sentence(), sentence(), `${sentence()}${sep}<em>${emphasized}</em>`];
    const plainItems = [items[0], items[1], `${items[2].slice(0, items[2].indexOf('<em>'))}${emphasized}`];
    blocks.push({ type: 'list', style: 'bulleted', items });
    html.push(`<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`);
    plain.push(...plainItems);
  }
  for (let i = 0, more = 2 + below(rng, 2); i < more; i++) {
    const p = paragraph();
    para(p, p);
  }
  return { blocks, html: html.join('\n'), plain: plain.join('\n') };
}

function emptyBatch(): ArticleBatch {
  return {
    articles: { id: [], translationGroupId: [], locale: [], slug: [], title: [], lead: [], body: [], bodyHtml: [], status: [], publishedAt: [], categoryId: [], coverImage: [], datelinePlace: [], seo: [], createdAt: [] },
    tags: { articleId: [], tagId: [], position: [], publishedAt: [] },
    authors: { articleId: [], authorId: [], role: [], position: [] },
    sources: { articleId: [], sourceId: [], position: [] },
    zhSearch: { articleId: [], title: [], lead: [], body: [] },
  };
}

export interface GenerateOptions {
  /** Article rows in total, zh translations included. */
  articles: number;
  batchSize: number;
  seed: number;
  now: Date;
}

/**
 * Articles in publication order over the last ten years (so UUIDv7 ids grow with time, as in a real
 * archive): 80 % en, 20 % zh translations sharing an en story's translation group, 5 % drafts, 3–5 tags
 * (Zipf over 5,000), 1–2 authors, 0–3 sources. Yields a batch at a time; `counts` is updated as it goes.
 */
export function* generateArticles(tax: Taxonomy, o: GenerateOptions, counts: GeneratedCounts): Generator<ArticleBatch> {
  const rng = prng(o.seed);
  const pickTag = zipf(tax.tags.length, 0.8);
  const pickAuthor = zipf(tax.authors.length, 0.7);
  const pickSource = zipf(tax.sources.length, 1);
  const start = o.now.getTime() - YEARS * 365 * DAY;
  const span = YEARS * 365 * DAY - 3_600_000;
  const distinct = (n: number, draw: () => number) => {
    const out: number[] = [];
    while (out.length < n) {
      const x = draw();
      if (!out.includes(x)) out.push(x);
    }
    return out;
  };

  let batch = emptyBatch();
  for (let story = 0; counts.articles < o.articles; story++) {
    // Evenly spread with jitter: story times grow with the row count, so ids do too.
    const time = Math.floor(start + ((counts.articles + uniform(rng)) / o.articles) * span);
    const groupId = uuid7(time, rng);
    const category = tax.categories[below(rng, tax.categories.length)];
    const tagIds = distinct(3 + below(rng, 3), () => pickTag(rng)).map((i) => tax.tags[i].id);
    const authorIdx = distinct(1 + below(rng, 2), () => pickAuthor(rng));
    const sourceIds = distinct(below(rng, 4), () => pickSource(rng)).map((i) => tax.sources[i].id);
    const title = enPhrase(rng, 6 + below(rng, 5));
    const slug = `${title.toLowerCase().split(' ').slice(0, 8).join('-')}-${story.toString(36)}`;
    const place = PLACES[below(rng, PLACES.length)];
    const withZh = uniform(rng) < ZH_SHARE_OF_STORIES && counts.articles + 1 < o.articles;

    for (const locale of withZh ? (['en', 'zh'] as const) : (['en'] as const)) {
      const zh = locale === 'zh';
      // A translation goes out a few hours after the original.
      const createdAt = time + (zh ? 3 * 3_600_000 : 0) - 2 * 3_600_000;
      const id = uuid7(createdAt, rng);
      const draft = uniform(rng) < DRAFT_SHARE;
      const publishedAt = draft ? null : new Date(Math.min(createdAt + 2 * 3_600_000, o.now.getTime() - 60_000)).toISOString();
      const body = makeBody(rng, zh, tax.authors[authorIdx[0]].name, counts.articles);
      const articleTitle = zh ? zhPhrase(rng, 5 + below(rng, 4)) : title;
      const lead = zh ? zhSentence(rng, 18 + below(rng, 10)) : `${enSentence(rng, 14 + below(rng, 8))} ${enSentence(rng, 10 + below(rng, 8))}`;
      const a = batch.articles;
      a.id.push(id);
      a.translationGroupId.push(groupId);
      a.locale.push(locale);
      a.slug.push(slug);
      a.title.push(articleTitle);
      a.lead.push(lead);
      a.body.push(JSON.stringify(body.blocks));
      a.bodyHtml.push(body.html);
      a.status.push(draft ? 'draft' : 'published');
      a.publishedAt.push(publishedAt);
      a.categoryId.push(category.id);
      a.coverImage.push(JSON.stringify({ url: `https://cdn.example.com/cover/${counts.articles}.jpg`, alt: articleTitle, caption: null, credit: 'Photo: Dateline', width: 1600, height: 900 }));
      a.datelinePlace.push(place);
      a.seo.push(JSON.stringify({ description: lead.slice(0, 150) }));
      a.createdAt.push(new Date(createdAt).toISOString());
      tagIds.forEach((tagId, position) => {
        batch.tags.articleId.push(id);
        batch.tags.tagId.push(tagId);
        batch.tags.position.push(position);
        batch.tags.publishedAt.push(publishedAt);
      });
      authorIdx.forEach((i, position) => {
        batch.authors.articleId.push(id);
        batch.authors.authorId.push(tax.authors[i].id);
        batch.authors.role.push(position === 0 ? 'writer' : 'photographer');
        batch.authors.position.push(position);
      });
      sourceIds.forEach((sourceId, position) => {
        batch.sources.articleId.push(id);
        batch.sources.sourceId.push(sourceId);
        batch.sources.position.push(position);
      });
      if (zh) {
        batch.zhSearch.articleId.push(id);
        batch.zhSearch.title.push(cjkBigrams(articleTitle));
        batch.zhSearch.lead.push(cjkBigrams(lead));
        batch.zhSearch.body.push(cjkBigrams(body.plain));
        counts.zh++;
      }
      counts.articles++;
      if (draft) counts.drafts++;
      else counts.published++;
      counts.tagLinks += tagIds.length;
      counts.authorLinks += authorIdx.length;
      counts.sourceLinks += sourceIds.length;
      counts.bodyHtmlBytes += Buffer.byteLength(body.html);
      if (a.id.length >= o.batchSize) {
        yield batch;
        batch = emptyBatch();
      }
    }
  }
  if (batch.articles.id.length) yield batch;
}
