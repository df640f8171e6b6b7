// Writes the sitemap index, article sitemaps (with xhtml:link alternates) and the Google News sitemap.
import { attributes, element, XML_DECLARATION } from '../../http/xml.js';
import type { NewsUrl, SitemapMonth, SitemapUrl } from './service.js';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

/** The article sitemap URL of a month's page; page 1 has no parameter, so its URL never changes as the month grows. */
export const monthSitemapPath = (month: string, page: number) => `/v1/sitemaps/articles/${month}.xml${page > 1 ? `?page=${page}` : ''}`;

export function renderSitemapIndex(baseUrl: string, months: SitemapMonth[]): string {
  const out = [XML_DECLARATION, `<sitemapindex xmlns="${SITEMAP_NS}">`];
  out.push(`<sitemap>${element('loc', `${baseUrl}/v1/sitemaps/news.xml`)}</sitemap>`);
  // Newest first: crawlers that stop early still see what changes most.
  for (const m of [...months].reverse()) {
    for (let page = 1; page <= m.pages; page++) {
      out.push(`<sitemap>${element('loc', baseUrl + monthSitemapPath(m.month, page))}${element('lastmod', m.lastmod.toISOString())}</sitemap>`);
    }
  }
  out.push('</sitemapindex>');
  return out.join('\n') + '\n';
}

export function renderUrlSet(urls: SitemapUrl[]): string {
  const out = [XML_DECLARATION, `<urlset xmlns="${SITEMAP_NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml">`];
  for (const u of urls) {
    const links = u.alternates.map((a) => `<xhtml:link${attributes({ rel: 'alternate', hreflang: a.hreflang, href: a.url })}/>`);
    out.push(`<url>${element('loc', u.url)}${element('lastmod', u.lastmod.toISOString())}${links.join('')}</url>`);
  }
  out.push('</urlset>');
  return out.join('\n') + '\n';
}

export function renderNewsSitemap(urls: NewsUrl[]): string {
  const out = [XML_DECLARATION, `<urlset xmlns="${SITEMAP_NS}" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`];
  for (const u of urls) {
    out.push(
      `<url>${element('loc', u.url)}<news:news>` +
        `<news:publication>${element('news:name', u.publication)}${element('news:language', u.language)}</news:publication>` +
        `${element('news:publication_date', u.publishedAt.toISOString())}${element('news:title', u.title)}` +
        '</news:news></url>',
    );
  }
  out.push('</urlset>');
  return out.join('\n') + '\n';
}
