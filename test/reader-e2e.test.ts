// examples/reader in a real browser: the reference page (../shared/docs/reference-page.md) rebuilt from the API
// by the reader, in English, then in Chinese through the language switch, then a related story; drafts stay 404.
// Chromium is Debian's (/usr/bin/chromium), driven by playwright-core; the article page's screenshots are saved
// under test/artifacts/ for CI to keep.
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { chromium } from 'playwright-core';
import t from 'tap';
import { buildReader } from '../examples/reader/server.js';
import { FLAGSHIP_SLUG, seedDemo } from '../src/seed/demo.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('./artifacts/', import.meta.url);
// No internet on CI machines: without the background-networking flags Chromium keeps trying Google's services;
// CI runs as root, which Chromium's sandbox refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A free TCP port: the API must know the reader's address (FRONTEND_URL_PATTERN) before the reader can start. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The date line as a reader in `locale` should see it: the instant in the site's time zone. */
function expectedDateLine(iso: string, locale: string, timeZone: string): string {
  const at = new Date(iso);
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', year: 'numeric', month: 'numeric', day: 'numeric' }).format(at);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(at);
  return `${day} | ${time}`;
}

/** The demo's photos live on a host the test machine cannot reach: the browser gets a grey placeholder instead. */
const placeholder = (label: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800" viewBox="0 0 1200 800"><rect width="1200" height="800" fill="#b9b2a5"/>` +
  `<text x="600" y="410" font-family="sans-serif" font-size="44" fill="#f4f1ea" text-anchor="middle">${label.replace(/[<&]/g, '')}</text></svg>`;

t.test('the reader rebuilds the reference page from the API, in a browser', async (t) => {
  const readerPort = await freePort();
  const readerBase = `http://127.0.0.1:${readerPort}`;
  const { app, clock, auth } = await buildTestApp(t, { FRONTEND_URL_PATTERN: `${readerBase}/{locale}/{category}/{slug}` });
  await seedDemo(app.db, () => {}, clock.now);
  const apiGet = async (url: string) => {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 200, url);
    return res.json().data;
  };
  const en = await apiGet(`/v1/articles/by-slug/en/${FLAGSHIP_SLUG}?include=category,tags,authors,sources,jsonld`);
  const zhAlternate = en.alternates.find((a: { hreflang: string }) => a.hreflang === 'zh');
  const zh = await apiGet(`/v1/articles/by-slug/zh/${zhAlternate.slug}?include=category`);
  const site = await apiGet('/v1/site?locale=en&include=navigation');
  const siteZh = await apiGet('/v1/site?locale=zh&include=navigation');
  const related = await apiGet(`/v1/articles/${en.id}/related?limit=10`);
  const relatedZh = await apiGet(`/v1/articles/${zh.id}/related?limit=10`);

  // A draft in the same section, with the flagship's first tag and writer and a slug: never on the site.
  const draftSlug = 'dam-inspection-report-not-yet-public';
  await factories(app.db).article({
    categoryId: en.category.id,
    tagIds: [en.tags[0].id],
    authors: [{ authorId: en.authors[0].id, role: 'writer' }],
    slug: draftSlug,
    title: 'Unreleased dam inspection report',
    lead: 'This draft must never reach a reader.',
    status: 'draft',
  });
  const draftText = ['Unreleased dam inspection report', 'This draft must never reach a reader.'];
  const asEditor = await app.inject({ url: `/v1/articles/by-slug/en/${draftSlug}`, headers: auth });
  t.match(asEditor.json().data, { status: 'draft', slug: draftSlug }, 'the draft exists at that slug');

  const apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const reader = await buildReader({ apiUrl });
  t.teardown(() => reader.close());
  await reader.listen({ port: readerPort, host: '127.0.0.1' });
  const enPath = `/en/world/${FLAGSHIP_SLUG}`;
  const zhPath = `/zh/world/${zhAlternate.slug}`;
  const draftPath = `/en/world/${draftSlug}`;

  await t.test('pages without a browser: redirects, section home, draft and unknown pages are 404, API down is 502', async (t) => {
    const root = await fetch(`${readerBase}/`, { redirect: 'manual' });
    t.equal(root.status, 302);
    t.equal(root.headers.get('location'), '/en/', 'the site default locale');

    const section = await fetch(`${readerBase}/en/world/`);
    t.equal(section.status, 200);
    const sectionHtml = await section.text();
    t.match(sectionHtml, `<h1>World</h1>`);
    t.match(sectionHtml, `<link rel="canonical" href="${readerBase}/en/world/">`, "the section's canonical, on the origin the API knows");
    t.match(sectionHtml, `<link rel="alternate" hreflang="zh" href="${readerBase}/zh/world/">`, 'and its other languages');
    t.match(sectionHtml, `<link rel="alternate" hreflang="x-default" href="${readerBase}/en/world/">`);
    t.ok(sectionHtml.includes(`href="${enPath}"`), 'the section lists the flagship');
    const inSection = await apiGet('/v1/articles?filter[locale]=en&filter[category][descendants]=world&fields=slug,category&include=category&page[size]=20');
    t.ok(inSection.length > 1);
    for (const a of inSection) t.ok(sectionHtml.includes(`href="/en/${a.category.slug}/${a.slug}"`), `lists ${a.slug}`);

    const home = await (await fetch(`${readerBase}/en/`)).text();
    t.ok(home.includes(`href="${enPath}"`), 'the home page lists the flagship');

    const draftPage = await fetch(`${readerBase}${draftPath}`);
    t.equal(draftPage.status, 404, 'a draft URL is a 404');
    const draftHtml = await draftPage.text();
    t.match(draftHtml, 'Page not found');
    for (const html of [draftHtml, sectionHtml, home]) for (const text of draftText) t.notOk(html.includes(text), 'the draft appears nowhere');

    for (const path of ['/fr/', '/en/no-such-section/', '/en/world/no-such-story', '/en/world/Not_A_Slug', '/en/a/b/c']) {
      t.equal((await fetch(`${readerBase}${path}`)).status, 404, path);
    }
    // Tag and author pages (the article links its tags and byline to them), and the author URL the API's JSON-LD gives.
    const tag = en.tags[0];
    const tagPage = await fetch(`${readerBase}/en/tags/${tag.slug}/`);
    t.equal(tagPage.status, 200);
    const tagHtml = await tagPage.text();
    t.match(tagHtml, `<h1>Tags: ${tag.name}</h1>`);
    t.match(tagHtml, `<link rel="canonical" href="${readerBase}/en/tags/${tag.slug}/">`);
    t.ok(tagHtml.includes(`href="${enPath}"`), "the tag's page lists the flagship");
    const writer = en.authors[0];
    const authorPage = await fetch(`${readerBase}/en/authors/${writer.slug}/`);
    t.equal(authorPage.status, 200);
    const authorHtml = await authorPage.text();
    t.match(authorHtml, `<h1>${writer.name}</h1>`);
    t.match(authorHtml, writer.bio, 'the bio');
    t.ok(authorHtml.includes(`href="${enPath}"`), "the author's page lists the flagship");
    for (const html of [tagHtml, authorHtml]) for (const text of draftText) t.notOk(html.includes(text), 'the draft is on neither page');
    const fromJsonLd = await fetch(en.jsonLd.author[0].url, { redirect: 'manual' });
    t.equal(en.jsonLd.author[0].url, `${readerBase}/authors/${writer.slug}`);
    t.equal(fromJsonLd.status, 302, "JSON-LD's author URL leads to the author's page");
    t.equal(fromJsonLd.headers.get('location'), `/en/authors/${writer.slug}/`);
    const zhTag = await (await fetch(`${readerBase}/zh/tags/${tag.slug}/`)).text();
    t.match(zhTag, /<h1>标签: [^<]*[\u4e00-\u9fff]/, 'the tag page in Chinese names the tag in Chinese');
    for (const path of ['/en/tags/no-such-tag/', '/en/authors/no-such-author/', '/en/tags/Not_A_Slug/']) {
      t.equal((await fetch(`${readerBase}${path}`)).status, 404, path);
    }
    const noSlash = await fetch(`${readerBase}/en/tags/${tag.slug}`, { redirect: 'manual' });
    t.equal(noSlash.status, 301);
    t.equal(noSlash.headers.get('location'), `/en/tags/${tag.slug}/`);

    const moved = await fetch(`${readerBase}/en/sports/${FLAGSHIP_SLUG}`, { redirect: 'manual' });
    t.equal(moved.status, 301, 'a guessed section leads to the real one');
    t.equal(moved.headers.get('location'), enPath);

    const orphan = await buildReader({ apiUrl: 'http://127.0.0.1:9' });
    t.teardown(() => orphan.close());
    const down = await orphan.inject({ url: enPath });
    t.equal(down.statusCode, 502, 'the API unreachable: a 502 page, not a crash');
    t.match(down.body, 'The news is unavailable');

    await t.rejects(buildReader({ apiUrl, publicKey: 'dl_admin_token' }), /public read key/, 'an API token could read drafts: refused');
  });

  const haveChromium = existsSync(CHROMIUM);
  const skip = haveChromium ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`;
  if (!haveChromium && process.env.CI) t.fail(`CI needs Chromium at ${CHROMIUM}`);

  await t.test('in Chromium: the English page, the language switch, a related story, a draft', { skip }, async (t) => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    t.teardown(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === readerBase) return route.continue();
      if (route.request().resourceType() === 'image') {
        return route.fulfill({ contentType: 'image/svg+xml', body: placeholder(url.pathname.split('/').pop() ?? '') });
      }
      return route.abort();
    });

    const screenshot = async (name: string) => {
      mkdirSync(ARTIFACTS, { recursive: true });
      // Scrolled to the footer first, so the lazily loaded related thumbnails are in the picture.
      await page.locator('footer.site-footer').scrollIntoViewIfNeeded();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: true });
    };

    const res = await page.goto(`${readerBase}${enPath}`);
    t.equal(res?.status(), 200);
    // Text as written, not as styled (innerText would give the navigation's CSS upper case).
    const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
    const text = async (selector: string) => squash(await page.locator(selector).first().textContent());
    const texts = async (selector: string) => (await page.locator(selector).allTextContents()).map(squash);
    const attr = (selector: string, name: string) => page.locator(selector).first().getAttribute(name);

    // 14. SEO head.
    t.equal(await page.title(), en.seo.title, '<title>');
    t.equal(await attr('meta[name=description]', 'content'), en.seo.description, 'meta description');
    t.equal(await attr('link[rel=canonical]', 'href'), `${readerBase}${enPath}`, 'canonical is this page');
    const hreflang = await page.locator('link[rel=alternate][hreflang]').evaluateAll((links) =>
      Object.fromEntries(links.map((l) => [l.getAttribute('hreflang'), l.getAttribute('href')])),
    );
    t.same(hreflang, { en: `${readerBase}${enPath}`, zh: `${readerBase}${zhPath}`, 'x-default': `${readerBase}${enPath}` }, 'hreflang alternates');
    t.equal(await attr('meta[property="og:image"]', 'content'), en.seo.ogImageUrl, 'og:image');
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '');
    t.match(ld, { '@type': 'NewsArticle', headline: en.title, url: `${readerBase}${enPath}`, inLanguage: 'en' }, 'JSON-LD');
    t.equal(await attr('html', 'lang'), 'en');

    // 1. language switch, 2. navigation, 3. breadcrumb.
    t.same(await texts('.languages strong, .languages a'), ['English', '中文']);
    t.equal(await attr('.languages a[hreflang=zh]', 'href'), zhPath);
    t.same(await texts('nav.sections a'), site.navigation.map((c: { name: string }) => c.name), 'navigation in English, in order');
    t.equal(await attr('nav.sections a', 'href'), '/en/news/');
    t.same(await texts('.breadcrumb a'), ['Home', 'World']);
    t.equal(await attr('.back a', 'href'), '/en/world/', 'back to the section');

    // 4. date line in the site's time zone, 5. headline, 6. lead.
    t.equal(site.timeZone, 'Asia/Ho_Chi_Minh');
    t.equal(await text('.dateline time.published'), expectedDateLine(en.publishedAt, 'en', site.timeZone));
    t.equal(await attr('.dateline time.published', 'datetime'), en.publishedAt);
    t.match(await text('.dateline'), en.datelinePlace, 'the place');
    t.equal(await text('h1.headline'), en.title);
    t.equal(await text('.lead'), en.lead);

    // 7. body: paragraphs with their inline HTML, quotes with attribution, captioned and credited photos, heading, list, embed.
    const blocks = (type: string) => en.body.filter((b: { type: string }) => b.type === type);
    t.equal(await page.locator('.body > p').count(), blocks('paragraph').length, 'every paragraph');
    t.equal(await page.locator('.body > p b').count(), 1, 'inline markup kept');
    const quote = blocks('quote')[0];
    t.equal(await text('.body blockquote p'), quote.text);
    t.equal(await text('.body blockquote cite'), quote.attribution);
    t.equal(await page.locator('.body figure.photo').count(), blocks('image').length, 'every photo is a figure');
    const multi = blocks('image').find((b: { caption: string }) => b.caption.includes('\n'));
    const figure = page.locator('.body figure.photo', { hasText: multi.caption.split('\n')[0] });
    t.equal(await figure.locator('img').getAttribute('alt'), multi.alt);
    t.equal(await figure.locator('.caption').innerText(), multi.caption, 'a multi-line caption keeps its lines');
    t.equal(await figure.locator('.credit').textContent(), multi.credit);
    t.equal(await text('.body h2'), blocks('heading')[0].text);
    t.equal(await page.locator('.body ol li').count(), blocks('list')[0].items.length);
    t.equal(await attr('.body .embed a', 'href'), blocks('embed')[0].url);

    // 8. byline, 9. sources, 10. original story, 11. tags.
    t.same(await texts('.byline .name'), en.authors.map((a: { name: string }) => a.name));
    t.same(await texts('.sources a'), ['AFP', 'CNN', 'AP', 'SMH']);
    t.equal(await attr('.sources a', 'title'), en.sources[0].fullName);
    t.equal(await attr('.original a', 'href'), en.originalStory.url);
    t.match(await text('.original'), en.originalStory.publisher);
    t.match(await text('.original'), 'Vietnamese');
    t.same(await texts('.tags .tag'), en.tags.map((x: { name: string }) => x.name));
    const hrefs = (selector: string) => page.locator(selector).evaluateAll((links) => links.map((l) => l.getAttribute('href')));
    t.same(await hrefs('.tags a.tag'), en.tags.map((x: { slug: string }) => `/en/tags/${x.slug}/`), "tags link to their pages");
    t.same(await hrefs('.byline a.name'), en.authors.map((a: { slug: string }) => `/en/authors/${a.slug}/`), "names link to the authors' pages");

    // 12. related list, 13. footer.
    const relatedLinks = page.locator('.related li a');
    t.same((await relatedLinks.allTextContents()).map(squash), related.map((r: { title: string }) => r.title), 'the related headlines, in order');
    for (const href of await relatedLinks.evaluateAll((links) => links.map((l) => l.getAttribute('href')))) t.match(href, /^\/en\/[a-z0-9-]+\/[a-z0-9-]+$/);
    t.equal(await page.locator('.related li img').count(), related.filter((r: { coverImage: unknown }) => r.coverImage).length, 'thumbnails');
    const footer = await text('footer.site-footer');
    for (const part of [site.name, site.contact.address, site.contact.email, site.contact.phone, site.contact.advertising, site.copyright, ...site.legalLinks.map((l: { label: string }) => l.label)]) {
      t.ok(footer.includes(part), `footer: ${part}`);
    }

    await screenshot('article-en.png');

    // Switch to Chinese.
    await page.locator('.languages a[hreflang=zh]').click();
    await page.waitForURL(`${readerBase}${zhPath}`);
    t.equal(await attr('html', 'lang'), 'zh');
    t.equal(await text('h1.headline'), zh.title);
    t.match(zh.title, /[\u4e00-\u9fff]/);
    t.same(await texts('nav.sections a'), siteZh.navigation.map((c: { name: string }) => c.name), 'navigation in Chinese');
    t.equal(await text('nav.sections a'), '新闻');
    t.same(await texts('.breadcrumb a'), ['首页', '国际']);
    t.equal(await text('.dateline time.published'), expectedDateLine(zh.publishedAt, 'zh', site.timeZone));
    t.equal(await attr('link[rel=canonical]', 'href'), `${readerBase}${zhPath}`);
    t.equal(await attr('.languages a[hreflang=en]', 'href'), enPath, 'and back to English');
    t.ok((await text('footer.site-footer')).includes(siteZh.copyright), 'the footer in Chinese');
    await screenshot('article-zh.png');

    // Follow a related story: another Chinese article page.
    const first = page.locator('.related li a').first();
    t.equal(squash(await first.textContent()), relatedZh[0].title);
    await first.click();
    await page.waitForURL((url) => url.pathname.endsWith(`/${relatedZh[0].slug}`));
    t.match(new URL(page.url()).pathname, /^\/zh\/[a-z0-9-]+\/[a-z0-9-]+$/);
    t.equal(await text('h1.headline'), relatedZh[0].title, 'the related article page');
    t.equal(await attr('html', 'lang'), 'zh');
    t.equal(await page.locator('article.story .lead').count(), 1);

    // A draft's URL: 404, and nothing of the draft on the page.
    const missing = await page.goto(`${readerBase}${draftPath}`);
    t.equal(missing?.status(), 404);
    const body = await page.content();
    for (const part of draftText) t.notOk(body.includes(part), 'nothing of the draft');
    t.equal(await text('h1'), 'Page not found');
  });
});
