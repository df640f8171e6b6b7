// Writes a loaded feed as RSS 2.0, Atom 1.0 (RFC 4287) or JSON Feed 1.1; every text goes through escapeXml.
import { attributes, element, escapeXml, XML_DECLARATION } from '../../http/xml.js';
import type { JsonFeed } from './schemas.js';
import type { Feed } from './service.js';

/** guid / id of an item: the article id, so it stays the same when the slug or URL changes. */
const itemId = (id: string) => `urn:uuid:${id}`;
/** RFC 822 dates for RSS; toUTCString gives the RFC 1123 form, which RSS readers expect. */
const rfc822 = (d: Date) => d.toUTCString();

export function renderRss(feed: Feed): string {
  const out: string[] = [
    XML_DECLARATION,
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/"' +
      ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
    '<channel>',
    element('title', feed.title),
    element('link', feed.homeUrl),
    element('description', feed.description),
    element('language', feed.locale),
    `<atom:link${attributes({ href: feed.urls.rss, rel: 'self', type: 'application/rss+xml' })}/>`,
    element('lastBuildDate', rfc822(feed.updated)),
    element('generator', 'Dateline'),
  ];
  if (feed.copyright) out.push(element('copyright', feed.copyright));
  if (feed.logoUrl) out.push(`<image>${element('url', feed.logoUrl)}${element('title', feed.title)}${element('link', feed.homeUrl)}</image>`);
  for (const item of feed.items) {
    out.push(
      '<item>',
      element('title', item.title),
      element('link', item.url),
      `<guid isPermaLink="false">${escapeXml(itemId(item.id))}</guid>`,
      element('pubDate', rfc822(item.publishedAt)),
      element('description', item.lead),
      // The escaped HTML body, never CDATA: a body holding "]]>" could otherwise end the section early.
      element('content:encoded', item.bodyHtml),
      ...item.authors.map((name) => element('dc:creator', name)),
      ...item.categories.map((name) => element('category', name)),
    );
    if (item.image) out.push(`<media:content${attributes({ url: item.image.url, medium: 'image', width: item.image.width, height: item.image.height })}/>`);
    out.push('</item>');
  }
  out.push('</channel>', '</rss>');
  return out.join('\n') + '\n';
}

export function renderAtom(feed: Feed): string {
  const out: string[] = [
    XML_DECLARATION,
    `<feed xmlns="http://www.w3.org/2005/Atom"${attributes({ 'xml:lang': feed.locale })}>`,
    // The feed's self URL is its permanent, unique IRI (RFC 4287 §4.2.6).
    element('id', feed.urls.atom),
    element('title', feed.title),
    element('subtitle', feed.description),
    element('updated', feed.updated.toISOString()),
    `<link${attributes({ rel: 'self', type: 'application/atom+xml', href: feed.urls.atom })}/>`,
    `<link${attributes({ rel: 'alternate', type: 'text/html', href: feed.homeUrl })}/>`,
    // A feed-level author covers entries without a byline (every entry needs one, §4.1.1).
    `<author>${element('name', feed.siteName)}</author>`,
    element('generator', 'Dateline'),
  ];
  if (feed.copyright) out.push(element('rights', feed.copyright));
  if (feed.logoUrl) out.push(element('logo', feed.logoUrl));
  for (const item of feed.items) {
    out.push(
      '<entry>',
      element('id', itemId(item.id)),
      element('title', item.title),
      `<link${attributes({ rel: 'alternate', type: 'text/html', href: item.url })}/>`,
      element('published', item.publishedAt.toISOString()),
      element('updated', item.updatedAt.toISOString()),
      ...item.authors.map((name) => `<author>${element('name', name)}</author>`),
      ...item.categories.map((name) => `<category${attributes({ term: name })}/>`),
      element('summary', item.lead),
      `<content type="html">${escapeXml(item.bodyHtml)}</content>`,
      '</entry>',
    );
  }
  out.push('</feed>');
  return out.join('\n') + '\n';
}

export function renderJsonFeed(feed: Feed): JsonFeed {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.urls.json,
    description: feed.description,
    ...(feed.logoUrl ? { icon: feed.logoUrl } : {}),
    language: feed.locale,
    authors: [{ name: feed.siteName }],
    items: feed.items.map((item) => ({
      id: itemId(item.id),
      url: item.url,
      title: item.title,
      summary: item.lead,
      content_html: item.bodyHtml,
      ...(item.image ? { image: item.image.url } : {}),
      date_published: item.publishedAt.toISOString(),
      date_modified: item.updatedAt.toISOString(),
      ...(item.authors.length ? { authors: item.authors.map((name) => ({ name })) } : {}),
      tags: item.categories,
      language: feed.locale,
    })),
  };
}
