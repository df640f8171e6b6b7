// WordPress eXtended RSS (WXR 1.2, Tools → Export) → transfer records, written by the NDJSON importer's path:
// categories, tags and authors, then posts. Pages, attachments, menus and private or trashed posts are skipped.
import slugify from '@sindresorhus/slugify';
import { XMLParser } from 'fast-xml-parser';
import type { ArticleStatus } from '../articles/schemas.js';
import type { ImportEntry } from './import.js';
import type { ArticleRecord, AuthorRecord, CategoryRecord, TagRecord } from './records.js';
import { htmlToBlocks, htmlToText } from './wordpress-html.js';

export interface WxrImport {
  entries: ImportEntry[];
  /** Items left out on purpose: counts per post type, and posts named with the reason. */
  skipped: string[];
}

type Xml = Record<string, unknown>;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v && typeof v === 'object' && '#text' in v ? str((v as Xml)['#text']) : '');
const list = (v: unknown): Xml[] => (Array.isArray(v) ? v : v ? [v] : []) as Xml[];

/** A Dateline slug from a WordPress nicename (URL-encoded for non-Latin names), else from the name. */
export function wpSlug(nicename: string, name = ''): string {
  let decoded = nicename;
  try {
    decoded = decodeURIComponent(nicename);
  } catch {
    // Not percent-encoded after all: use it as it is.
  }
  if (SLUG.test(decoded)) return decoded;
  return slugify(decoded).slice(0, 120).replace(/-+$/, '') || slugify(name).slice(0, 120).replace(/-+$/, '') || decoded;
}

/** "2024-03-01 09:30:00" (UTC, as wp:post_date_gmt) → ISO 8601; null for WordPress's zero date. */
function gmt(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m || m[1] === '0000') return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
}

const STATUSES: Record<string, ArticleStatus> = { publish: 'published', future: 'scheduled', draft: 'draft', pending: 'in_review' };

const entry = (where: string, record: unknown): ImportEntry => ({ where, read: () => record });

export function parseWxr(xml: string, locale: string): WxrImport {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    // Slugs like "2024" and ids stay text; CDATA is merged into the text.
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['item', 'category', 'wp:category', 'wp:tag', 'wp:author', 'wp:postmeta'].includes(name),
  });
  const channel = (parser.parse(xml) as Xml)?.rss as Xml | undefined;
  const ch = channel?.channel as Xml | undefined;
  if (!ch || !str(ch['wp:wxr_version']).trim()) throw new Error('not a WordPress export (WXR): no <rss><channel> with <wp:wxr_version>');
  const base = str(ch['wp:base_blog_url']).trim() || str(ch['wp:base_site_url']).trim() || str(ch.link).trim() || undefined;

  const entries: ImportEntry[] = [];
  const categorySlug = new Map<string, string>();
  for (const c of list(ch['wp:category'])) {
    const nicename = str(c['wp:category_nicename']).trim();
    categorySlug.set(nicename, wpSlug(nicename, str(c['wp:cat_name'])));
  }
  for (const c of list(ch['wp:category'])) {
    const nicename = str(c['wp:category_nicename']).trim();
    const parent = str(c['wp:category_parent']).trim();
    const description = htmlToText(str(c['wp:category_description']));
    const record: CategoryRecord = {
      type: 'category',
      slug: categorySlug.get(nicename)!,
      parent: parent ? (categorySlug.get(parent) ?? wpSlug(parent)) : null,
      names: { [locale]: htmlToText(str(c['wp:cat_name'])) },
      descriptions: description ? { [locale]: description } : {},
    };
    entries.push(entry(`category ${nicename}`, record));
  }
  for (const t of list(ch['wp:tag'])) {
    const slug = str(t['wp:tag_slug']).trim();
    entries.push(entry(`tag ${slug}`, { type: 'tag', slug: wpSlug(slug, str(t['wp:tag_name'])), names: { [locale]: htmlToText(str(t['wp:tag_name'])) } } satisfies TagRecord));
  }
  const authorSlug = new Map<string, string>();
  for (const a of list(ch['wp:author'])) {
    const login = str(a['wp:author_login']).trim();
    const slug = wpSlug(login.toLowerCase(), str(a['wp:author_display_name']));
    authorSlug.set(login, slug);
    const full = [str(a['wp:author_first_name']).trim(), str(a['wp:author_last_name']).trim()].filter(Boolean).join(' ');
    const email = str(a['wp:author_email']).trim();
    entries.push(
      entry(`author ${login}`, {
        type: 'author',
        slug,
        name: htmlToText(str(a['wp:author_display_name'])) || full || login,
        email: EMAIL.test(email) ? email.toLowerCase() : null,
      } satisfies AuthorRecord),
    );
  }

  const items = list(ch.item);
  const attachments = new Map<string, Xml>();
  for (const item of items) if (str(item['wp:post_type']) === 'attachment') attachments.set(str(item['wp:post_id']).trim(), item);
  const meta = (item: Xml, key: string) => str(list(item['wp:postmeta']).find((m) => str(m['wp:meta_key']) === key)?.['wp:meta_value']).trim();

  const skippedTypes = new Map<string, number>();
  const skipped: string[] = [];
  for (const item of items) {
    const type = str(item['wp:post_type']).trim() || 'post';
    const id = str(item['wp:post_id']).trim();
    if (type !== 'post') {
      skippedTypes.set(type, (skippedTypes.get(type) ?? 0) + 1);
      continue;
    }
    const wpStatus = str(item['wp:status']).trim();
    const title = htmlToText(str(item.title));
    const slug = str(item['wp:post_name']).trim() ? wpSlug(str(item['wp:post_name']).trim(), title) : slugify(title).slice(0, 120).replace(/-+$/, '');
    const status = STATUSES[wpStatus];
    if (!status) {
      skipped.push(`post ${id} (${slug || title || 'untitled'}): ${wpStatus || 'no'} status is not imported (only publish, future, draft and pending)`);
      continue;
    }
    const date = gmt(str(item['wp:post_date_gmt'])) ?? (status === 'published' || status === 'scheduled' ? gmt(str(item['wp:post_date'])) : null);
    const categories = list(item.category);
    const category = categories.find((c) => c['@_domain'] === 'category');
    const tags = [...new Set(categories.filter((c) => c['@_domain'] === 'post_tag').map((c) => wpSlug(str(c['@_nicename']), str(c))))];
    const creator = str(item['dc:creator']).trim();
    const thumbnail = attachments.get(meta(item, '_thumbnail_id'));
    const coverUrl = thumbnail ? str(thumbnail['wp:attachment_url']).trim() : '';
    const record: ArticleRecord = {
      type: 'article',
      locale,
      slug,
      title,
      lead: htmlToText(str(item['excerpt:encoded'])).slice(0, 2000),
      body: htmlToBlocks(str(item['content:encoded']), base),
      status,
      publishedAt: status === 'published' ? date : null,
      publishAt: status === 'scheduled' ? date : null,
      // WordPress has no separate creation time: a published post was written when it went out.
      ...(status === 'published' && date ? { createdAt: date } : {}),
      // Dateline files a story in one section: the first WordPress category.
      category: category ? (categorySlug.get(str(category['@_nicename'])) ?? wpSlug(str(category['@_nicename']), str(category))) : null,
      tags,
      authors: creator ? [{ slug: authorSlug.get(creator) ?? wpSlug(creator.toLowerCase()), role: 'writer' }] : [],
      coverImage: /^https?:\/\//.test(coverUrl)
        ? { url: coverUrl, alt: meta(thumbnail!, '_wp_attachment_image_alt').slice(0, 500), caption: htmlToText(str(thumbnail!['excerpt:encoded'])) || null }
        : null,
    };
    entries.push(entry(`post ${id}`, record));
  }
  const counted = [...skippedTypes].map(([type, n]) => `${n} ${type}${n === 1 ? '' : 's'} (only posts are imported)`);
  return { entries, skipped: [...counted, ...skipped] };
}
