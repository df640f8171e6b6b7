// The reader: a small server-rendered news site on the Dateline public API (Fastify + @fastify/view with Eta).
// buildReader() makes the app without listening, so the browser test starts it on a port of its choosing;
// run this file to serve it (npm run reader).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import view from '@fastify/view';
import { Eta } from 'eta';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { type Article, findSection, NotFound, readerApi, type Site, Unavailable } from './api.js';
import { articlePath, authorPath, dateLine, homePath, labels, languageName, NO_CATEGORY, sectionPath, shortDate, tagPath } from './format.js';

export interface ReaderOptions {
  /** Where the Dateline API answers, e.g. http://127.0.0.1:3000. */
  apiUrl: string;
  /** A public read key (dlp_...), for its own rate limit; anonymous without one. */
  publicKey?: string;
  /** Fastify's logger option; off by default. */
  logger?: boolean | { level: string };
}

const TEMPLATES = fileURLToPath(new URL('./templates/', import.meta.url));
const STYLESHEET = readFileSync(new URL('./reader.css', import.meta.url));
const LOCALE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The language switch: every site locale, linked to `href(code)` when that version exists. */
function languageSwitch(site: Site, current: string, href: (code: string) => string | undefined) {
  return site.locales.map((l) => ({ code: l.code, name: l.name, current: l.code === current, href: l.code === current ? undefined : href(l.code) }));
}

/** Safe inside <script>: no "</script>" or "<!--" can end or confuse the element (HTML §4.12.1.3). */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** What every page's layout shows: header (language switch, navigation) and footer, in the page's language. */
function chrome(site: Site, locale: string) {
  return { site, locale, t: labels(locale), nav: site.navigation ?? [], homePath, sectionPath, articlePath, tagPath, authorPath };
}

export async function buildReader(options: ReaderOptions): Promise<FastifyInstance> {
  const api = readerApi(options);
  // Slugs may be longer than Fastify's default 100-character limit on a path parameter.
  const app = Fastify({ logger: options.logger ?? false, routerOptions: { maxParamLength: 500 } });
  await app.register(view, { engine: { eta: new Eta({ views: TEMPLATES, cache: true }) }, templates: TEMPLATES });

  let warnedAboutUrls = false;
  /** The API builds canonical, hreflang and JSON-LD URLs from its FRONTEND_URL_PATTERN: say so once if they miss us. */
  function checkFrontendUrl(expected: string, fromApi: string | undefined) {
    const local = (url: string) => url.replace(/^(https?:\/\/)(?:127\.0\.0\.1|\[::1\])(?=[:/])/, '$1localhost');
    if (warnedAboutUrls || !fromApi || local(fromApi) === local(expected)) return;
    warnedAboutUrls = true;
    app.log.warn(
      `The API gives this page's URL as ${fromApi}, not ${expected}: run the API with ` +
        `FRONTEND_URL_PATTERN=${new URL(expected).origin}/{locale}/{category}/{slug} so canonical, hreflang and JSON-LD URLs point at this site`,
    );
  }

  const notFoundPage = async (reply: FastifyReply, locale?: string) => {
    const site = await (locale && LOCALE.test(locale) ? api.site(locale).catch(() => api.defaultSite()) : api.defaultSite()).catch(() => undefined);
    const at = site?.locale ?? 'en';
    return reply.code(404).view('error.eta', { ...(site ? chrome(site, at) : { site: undefined, locale: at, t: labels(at), nav: [] }), status: 404, switcher: [] });
  };

  app.setNotFoundHandler(async (request, reply) => notFoundPage(reply, request.url.split('/')[1]));

  app.setErrorHandler(async (err, request, reply) => {
    if (err instanceof NotFound) {
      request.log.info({ reason: err.message }, 'not found');
      return notFoundPage(reply, (request.params as { locale?: string } | undefined)?.locale);
    }
    // The API failed: 502. Anything else is the reader's own fault (500), or a request Fastify refused (4xx).
    let status = 502;
    if (err instanceof Unavailable) request.log.error({ reason: err.message }, 'API unavailable');
    else {
      request.log.error(err);
      const code = (err as { statusCode?: number }).statusCode;
      status = code && code < 500 ? code : 500;
    }
    // No API call here: it may be what just failed.
    return reply.code(status).view('error.eta', { site: undefined, locale: 'en', t: labels('en'), nav: [], status, switcher: [] });
  });

  app.get('/reader.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(STYLESHEET));

  app.get('/', async (_request, reply) => reply.redirect(homePath((await api.defaultSite()).defaultLocale)));

  app.get<{ Params: { locale: string } }>('/:locale', async (request, reply) => {
    if (!LOCALE.test(request.params.locale)) throw new NotFound(`bad locale ${request.params.locale}`);
    return reply.redirect(homePath(request.params.locale), 301);
  });

  app.get<{ Params: { locale: string } }>('/:locale/', async (request, reply) => {
    const { locale } = request.params;
    if (!LOCALE.test(locale)) throw new NotFound(`bad locale ${locale}`);
    const { site, articles } = await api.listPage(locale);
    return reply.view('list.eta', {
      ...chrome(site, locale),
      switcher: languageSwitch(site, locale, homePath),
      head: listHead(site, locale, site.name, site.description ?? undefined, homePath),
      heading: labels(locale).latest,
      breadcrumb: [],
      articles: teasers(articles, locale, site.timeZone),
    });
  });

  // Tags and authors have their own pages, under segments no section can take from them (static routes win).
  app.get<{ Params: { locale: string; tag: string } }>('/:locale/tags/:tag/', async (request, reply) => {
    const { locale, tag } = request.params;
    if (!LOCALE.test(locale) || !SLUG.test(tag)) throw new NotFound(`bad tag path ${request.url}`);
    const page = await api.tagPage(locale, tag);
    return reply.view('list.eta', {
      ...chrome(page.site, locale),
      switcher: languageSwitch(page.site, locale, (code) => tagPath(code, tag)),
      head: listHead(page.site, locale, `${page.tag.name} | ${page.site.name}`, undefined, (code) => tagPath(code, tag)),
      heading: `${labels(locale).tags}: ${page.tag.name}`,
      breadcrumb: [],
      articles: teasers(page.articles, locale, page.site.timeZone),
    });
  });

  app.get<{ Params: { locale: string; author: string } }>('/:locale/authors/:author/', async (request, reply) => {
    const { locale, author } = request.params;
    if (!LOCALE.test(locale) || !SLUG.test(author)) throw new NotFound(`bad author path ${request.url}`);
    const page = await api.authorPage(locale, author);
    return reply.view('list.eta', {
      ...chrome(page.site, locale),
      switcher: languageSwitch(page.site, locale, (code) => authorPath(code, author)),
      head: listHead(page.site, locale, `${page.author.name} | ${page.site.name}`, page.author.bio || undefined, (code) => authorPath(code, author)),
      heading: page.author.name,
      intro: page.author.bio || undefined,
      breadcrumb: [],
      articles: teasers(page.articles, locale, page.site.timeZone),
    });
  });

  for (const [kind, path] of [['tags', tagPath], ['authors', authorPath]] as const) {
    app.get<{ Params: { locale: string; slug: string } }>(`/:locale/${kind}/:slug`, async (request, reply) => {
      const { locale, slug } = request.params;
      if (!LOCALE.test(locale) || !SLUG.test(slug)) throw new NotFound(`bad ${kind} path ${request.url}`);
      return reply.redirect(path(locale, slug), 301);
    });
  }

  // The API's JSON-LD names each author at {front-end origin}/authors/{slug}: their page in the default language.
  app.get<{ Params: { author: string } }>('/authors/:author', async (request, reply) => {
    if (!SLUG.test(request.params.author)) throw new NotFound(`bad author path ${request.url}`);
    return reply.redirect(authorPath((await api.defaultSite()).defaultLocale, request.params.author));
  });

  app.get<{ Params: { locale: string; category: string } }>('/:locale/:category', async (request, reply) => {
    const { locale, category } = request.params;
    if (!LOCALE.test(locale) || !SLUG.test(category)) throw new NotFound(`bad section path ${request.url}`);
    return reply.redirect(sectionPath(locale, category), 301);
  });

  app.get<{ Params: { locale: string; category: string } }>('/:locale/:category/', async (request, reply) => {
    const { locale, category } = request.params;
    if (!LOCALE.test(locale) || !SLUG.test(category)) throw new NotFound(`bad section path ${request.url}`);
    const { site, articles } = await api.listPage(locale, category);
    const found = findSection(site.navigation ?? [], category);
    if (!found) throw new NotFound(`no section ${category}`);
    return reply.view('list.eta', {
      ...chrome(site, locale),
      switcher: languageSwitch(site, locale, (code) => sectionPath(code, category)),
      head: listHead(site, locale, `${found.section.name} | ${site.name}`, found.section.description ?? undefined, (code) => sectionPath(code, category)),
      heading: found.section.name,
      intro: found.section.description,
      breadcrumb: found.parents.map((c) => ({ name: c.name, href: sectionPath(locale, c.slug) })),
      articles: teasers(articles, locale, site.timeZone),
    });
  });

  app.get<{ Params: { locale: string; category: string; slug: string } }>('/:locale/:category/:slug', async (request, reply) => {
    const { locale, category, slug } = request.params;
    if (!LOCALE.test(locale) || !SLUG.test(category) || !SLUG.test(slug)) throw new NotFound(`bad article path ${request.url}`);
    const { site, article, related } = await api.articlePage(locale, slug);
    // Links from elsewhere (the language switch, old or hand-typed links) may guess the section: send readers to the real one.
    const own = article.category?.slug ?? NO_CATEGORY;
    if (category !== own) return reply.redirect(articlePath(locale, own, slug), 301);

    const alternates = article.alternates ?? [];
    const self = alternates.find((a) => a.hreflang === locale);
    checkFrontendUrl(`${request.protocol}://${request.host}${request.url.split('?')[0]}`, self?.url);
    return reply.view('article.eta', {
      ...chrome(site, locale),
      switcher: languageSwitch(site, locale, (code) => {
        // The story's other editions share its section; the article route corrects the rare one that does not.
        const version = alternates.find((a) => a.hreflang === code);
        return version ? articlePath(code, own, version.slug) : undefined;
      }),
      head: articleHead(article, site, self?.url),
      article,
      breadcrumb: [...(article.category?.ancestors ?? []), ...(article.category ? [article.category] : [])].map((c) => ({
        name: c.name ?? c.slug ?? '',
        href: sectionPath(locale, c.slug ?? NO_CATEGORY),
      })),
      section: article.category ? { name: article.category.name ?? '', href: sectionPath(locale, own) } : undefined,
      published: article.publishedAt ? dateLine(article.publishedAt, locale, site.timeZone) : undefined,
      // Edits within a minute of publication are part of publishing, not an update worth a line.
      updated:
        article.publishedAt && Date.parse(article.updatedAt) - Date.parse(article.publishedAt) > 60_000
          ? dateLine(article.updatedAt, locale, site.timeZone)
          : undefined,
      originalLanguage: article.originalStory ? languageName(article.originalStory.locale, locale) : undefined,
      related: related.map((r) => ({ ...r, href: articlePath(locale, r.category?.slug, r.slug), date: shortDate(r.publishedAt, locale, site.timeZone) })),
    });
  });

  return app;
}

/** Teasers for home and section pages, linked to the reader's article URLs. */
function teasers(articles: { slug?: string; title?: string; lead?: string; publishedAt?: string | null; coverImage?: unknown; category?: unknown }[], locale: string, timeZone: string) {
  return articles.map((a) => {
    const category = a.category as { slug?: string; name?: string } | null | undefined;
    return {
      title: a.title ?? '',
      lead: a.lead ?? '',
      href: articlePath(locale, category?.slug, a.slug ?? ''),
      section: category?.name,
      date: a.publishedAt ? shortDate(a.publishedAt, locale, timeZone) : '',
      image: a.coverImage as { url: string; alt: string } | null | undefined,
    };
  });
}

/**
 * The head of a page that exists in every site locale at pathFor(locale): home, section, tag and author pages.
 * Absolute URLs are on the front end's origin as the API knows it (site.homeUrl, from FRONTEND_URL_PATTERN).
 */
function listHead(site: Site, locale: string, title: string, description: string | undefined, pathFor: (code: string) => string) {
  const origin = new URL(site.homeUrl).origin;
  return {
    title,
    description,
    canonical: origin + pathFor(locale),
    alternates: [
      ...site.locales.map((l) => ({ hreflang: l.code, href: origin + pathFor(l.code) })),
      { hreflang: 'x-default', href: origin + pathFor(site.defaultLocale) },
    ],
  };
}

/**
 * The SEO head. Canonical and hreflang URLs are the API's alternates: it builds them from FRONTEND_URL_PATTERN,
 * the one setting that says where articles live on the web (feeds, sitemaps and JSON-LD use it too).
 * seo.canonicalUrl, when an editor set one, overrides the canonical (a syndicated story's original page).
 */
function articleHead(article: Article, site: Site, selfUrl: string | undefined) {
  return {
    title: article.seo.title || (article.seoTitle ?? article.title) + ` | ${site.name}`,
    description: article.seo.description || article.lead,
    canonical: article.seo.canonicalUrl ?? selfUrl,
    alternates: (article.alternates ?? []).map((a) => ({ hreflang: a.hreflang, href: a.url })),
    ogImage: article.seo.ogImageUrl ?? article.coverImage?.url,
    ogType: 'article',
    jsonLd: article.jsonLd ? scriptJson(article.jsonLd) : undefined,
  };
}

async function main() {
  const apiUrl = process.env.DATELINE_API_URL || 'http://127.0.0.1:3000';
  const port = Number(process.env.READER_PORT || 4000);
  const host = process.env.READER_HOST || '127.0.0.1';
  const reader = await buildReader({ apiUrl, publicKey: process.env.DATELINE_PUBLIC_KEY || undefined, logger: { level: 'info' } });
  await reader.listen({ port, host });
  const shown = ['0.0.0.0', '127.0.0.1', '::', '::1'].includes(host) ? 'localhost' : host;
  reader.log.info(`Reader at http://${shown}:${port}/ on the API at ${apiUrl}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void reader.close().then(() => process.exit(0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
