import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { articles } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const HOUR = 3_600_000;
const FRONT = 'https://news.example';
const JSONLD = 'application/ld+json; charset=utf-8';
const NINJS = 'application/vnd.iptc.ninjs+json; charset=utf-8';

/** The official IPTC ninjs 2.1 schema (test/fixtures/ninjs/README.md says where it comes from). */
function ninjsValidator() {
  const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/ninjs/${name}`, import.meta.url), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  // places[].geojson refers to the GeoJSON schema by URL; ajv resolves it at compile time, so it comes from disk.
  ajv.addSchema(fixture('GeoJSON-schema.json'));
  const validate = ajv.compile(fixture('ninjs-schema_2.1.json'));
  return (doc: unknown) => (validate(doc) ? '' : ajv.errorsText(validate.errors, { separator: '\n' }));
}

const isAbsolute = (url: unknown) => typeof url === 'string' && /^https?:\/\/[^/]+/.test(url) && Boolean(new URL(url));

t.test('alternative formats of one article', async (t) => {
  const ctx = await buildTestApp(t, { FRONTEND_URL_PATTERN: `${FRONT}/{locale}/{category}/{slug}` });
  const { app, auth, clock } = ctx;
  const f = factories(app.db);
  const now = clock.now;
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();
  const validateNinjs = ninjsValidator();

  // Three locales, so a draft can sit in the same translation group as published versions.
  await replaceSiteSettings(
    app.db,
    {
      ...DEFAULT_SETTINGS,
      name: { en: 'Dateline News', zh: '日界新闻' },
      locales: [
        { code: 'en', name: 'English' },
        { code: 'zh', name: '中文' },
        { code: 'vi', name: 'Tiếng Việt' },
      ],
      logoUrl: `${FRONT}/logo.png`,
      copyright: { en: '© Dateline News', zh: '© 日界新闻' },
    },
    systemContext(now),
  );
  const floods = await f.category({ slug: 'floods', names: { en: 'Floods', zh: '洪水' } });
  const [river, rain] = [await f.tag({ names: { en: 'Mekong', zh: '湄公河' } }), await f.tag({ names: { en: 'Rain', zh: '雨' } })];
  const [lan, minh, hoa] = [await f.author({ name: 'Lan Nguyen' }), await f.author({ name: 'Minh Tran' }), await f.author({ name: 'Hoa Le' })];
  const [agency, outlet] = [await f.source({ fullName: 'Associated Press', url: 'https://apnews.com' }), await f.source({ fullName: 'Tuoi Tre', url: null })];
  const cover = { url: 'https://img.example.com/cover.jpg', alt: 'Boats on a street', caption: 'Boats replaced cars.', credit: 'Photo: AP', width: 1200, height: 800 };
  const bodyImage = { type: 'image' as const, url: 'https://img.example.com/levee.png', alt: 'A levee', caption: 'The levee held.', credit: 'Photo: Minh Tran', width: 640, height: 480 };
  const longTitle = 'River towns across the delta brace for a record flood crest as officials open shelters and farmers move livestock to higher ground';

  const en = await f.article(
    {
      title: longTitle,
      slug: 'river-towns-brace',
      lead: 'Officials opened shelters overnight.',
      body: [{ type: 'paragraph', text: 'The river rose two metres.' }, bodyImage],
      categoryId: floods.id,
      tagIds: [river.id, rain.id],
      authors: [
        { authorId: lan.id, role: 'writer' },
        { authorId: minh.id, role: 'photographer' },
      ],
      sourceIds: [agency.id, outlet.id],
      coverImage: cover,
      datelinePlace: 'Can Tho',
      originalStory: { publisher: 'AP', locale: 'en', url: 'https://apnews.com/article/flood-crest' },
      seo: { description: 'The crest is due on Friday.', ogImageUrl: 'https://img.example.com/og.jpg' },
      publishedAt: ago(5),
    },
    now,
  );
  const zh = await f.translation(
    en.id,
    'zh',
    {
      title: '三角洲城镇迎战创纪录洪峰',
      lead: '官员连夜开放避难所。',
      seo: {},
      authors: [
        { authorId: lan.id, role: 'writer' },
        { authorId: minh.id, role: 'photographer' },
        { authorId: hoa.id, role: 'translator' },
      ],
      status: 'published',
      publishedAt: ago(2),
    },
    now,
  );
  const viDraft = await f.translation(en.id, 'vi', { title: 'Các thị trấn ven sông' }, now);
  const draft = await f.article({ status: 'draft', publishedAt: null, slug: 'a-draft' }, now);
  const embargoed = await f.article({ slug: 'under-embargo', categoryId: floods.id, publishedAt: ago(1) }, now);
  // No factory sets an embargo; the column is what visibleTo() reads.
  await app.db.update(articles).set({ embargoUntil: new Date(now.getTime() + HOUR) }).where(eq(articles.id, embargoed.id));

  const enUrl = `${FRONT}/en/floods/river-towns-brace`;
  const zhUrl = `${FRONT}/zh/floods/river-towns-brace`;
  const read = (path: string, headers: Record<string, string> = {}) => app.inject({ url: path, headers });

  await t.test('jsonld is a schema.org NewsArticle with every field Google reads', async (t) => {
    const res = await read(`/v1/articles/${en.id}?format=jsonld`);
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], JSONLD);
    t.equal(res.headers['content-language'], 'en');
    t.ok(res.headers['last-modified'], 'Last-Modified');
    t.match(res.headers.etag, /^"v\d+-[A-Za-z0-9_-]+"$/, 'versioned ETag');
    t.equal(res.headers['cache-control'], 'public, max-age=60, s-maxage=300, stale-while-revalidate=60');
    t.match(res.headers.vary, /Accept/);
    const doc = res.json();
    const api = (await read(`/v1/articles/${en.id}`)).json().data;

    t.equal(doc['@context'], 'https://schema.org');
    t.equal(doc['@type'], 'NewsArticle');
    t.equal(Array.from(doc.headline as string).length, 110, 'headline cut to 110 characters');
    t.ok(doc.headline.endsWith('…'), 'with an ellipsis');
    t.ok(longTitle.startsWith(doc.headline.slice(0, -1)), 'from the title');
    t.equal(doc.description, 'The crest is due on Friday.', 'the SEO description wins over the lead');
    t.same(doc.image, [cover.url, 'https://img.example.com/og.jpg']);
    t.equal(doc.datePublished, ago(5));
    t.equal(doc.datePublished, api.firstPublishedAt);
    t.equal(doc.dateModified, api.updatedAt);
    t.same(doc.author, [
      { '@type': 'Person', name: 'Lan Nguyen', url: `${FRONT}/authors/${lan.slug}` },
      { '@type': 'Person', name: 'Minh Tran', url: `${FRONT}/authors/${minh.slug}` },
    ]);
    t.notOk('translator' in doc, 'no translator on the original');
    t.same(doc.publisher, {
      '@type': 'Organization',
      name: 'Dateline News',
      url: `${FRONT}/en/`,
      logo: { '@type': 'ImageObject', url: `${FRONT}/logo.png` },
    });
    t.equal(doc.mainEntityOfPage, enUrl);
    t.equal(doc.url, enUrl);
    t.equal(doc.inLanguage, 'en');
    t.equal(doc.articleSection, 'Floods');
    t.same(doc.keywords, ['Mekong', 'Rain']);
    t.equal(doc.dateline, 'Can Tho');
    t.equal(doc.isBasedOn, 'https://apnews.com/article/flood-crest');
    for (const url of [...doc.image, doc.url, doc.mainEntityOfPage, doc.publisher.url, doc.publisher.logo.url, ...doc.author.map((a: { url: string }) => a.url)]) {
      t.ok(isAbsolute(url), `${url} is absolute`);
    }
  });

  await t.test('the original lists its public translations; each translation points back; the draft sibling never appears', async (t) => {
    const original = (await read(`/v1/articles/${en.id}?format=jsonld`)).json();
    t.same(original.workTranslation, [{ '@type': 'NewsArticle', url: zhUrl, inLanguage: 'zh' }]);
    t.notOk('translationOfWork' in original);

    const translation = (await read(`/v1/articles/by-slug/zh/river-towns-brace?format=jsonld`)).json();
    t.same(translation.translationOfWork, { '@type': 'NewsArticle', url: enUrl, inLanguage: 'en' });
    t.notOk('workTranslation' in translation);
    t.equal(translation.url, zhUrl);
    t.equal(translation.inLanguage, 'zh');
    t.equal(translation.description, '官员连夜开放避难所。', 'the lead without an SEO description');
    t.equal(translation.headline, '三角洲城镇迎战创纪录洪峰');
    t.equal(translation.publisher.name, '日界新闻', 'the site name in the article’s locale');
    t.equal(translation.articleSection, '洪水');
    t.same(translation.keywords, ['湄公河', '雨']);
    t.same(translation.translator, [{ '@type': 'Person', name: 'Hoa Le', url: `${FRONT}/authors/${hoa.slug}` }]);
    t.same(translation.author.map((a: { name: string }) => a.name), ['Lan Nguyen', 'Minh Tran']);

    // An editor sees the draft in the JSON include, but JSON-LD goes into public pages: it links public versions only.
    const editorJson = (await read(`/v1/articles/${en.id}?include=translations`, auth)).json().data;
    t.ok(editorJson.translations.some((x: { id: string }) => x.id === viDraft.id), 'the editor’s envelope lists the draft');
    for (const headers of [{}, auth]) {
      for (const path of [`/v1/articles/${en.id}?format=jsonld`, `/v1/articles/${zh.id}?format=jsonld`]) {
        const body = (await read(path, headers)).body;
        t.notOk(body.includes('/vi/'), `${path} does not link the vi draft`);
        t.notOk(body.includes(viDraft.id), `${path} does not name the vi draft`);
      }
    }
    const viAsEditor = await read(`/v1/articles/${viDraft.id}?format=jsonld`, auth);
    t.equal(viAsEditor.statusCode, 200, 'an editor may read the draft itself');
    t.same(viAsEditor.json().translationOfWork, { '@type': 'NewsArticle', url: enUrl, inLanguage: 'en' });
    t.notOk('datePublished' in viAsEditor.json(), 'a draft has no publication date');
    t.equal(viAsEditor.headers['cache-control'], 'private, no-store');
  });

  await t.test('Accept chooses the format; an explicit ?format wins', async (t) => {
    const cases: Array<[string, Record<string, string>, string]> = [
      [`/v1/articles/${en.id}`, { accept: 'application/ld+json' }, JSONLD],
      [`/v1/articles/${en.id}`, { accept: 'application/vnd.iptc.ninjs+json' }, NINJS],
      [`/v1/articles/by-slug/en/river-towns-brace`, { accept: 'application/ld+json' }, JSONLD],
      [`/v1/articles/${en.id}`, { accept: 'application/json;q=0.5, application/ld+json' }, JSONLD],
      [`/v1/articles/${en.id}`, { accept: 'application/ld+json;q=0.5, application/json' }, 'application/json; charset=utf-8'],
      [`/v1/articles/${en.id}`, { accept: 'application/json, text/plain, */*' }, 'application/json; charset=utf-8'],
      [`/v1/articles/${en.id}`, { accept: 'text/html' }, 'application/json; charset=utf-8'],
      [`/v1/articles/${en.id}?format=json`, { accept: 'application/ld+json' }, 'application/json; charset=utf-8'],
      [`/v1/articles/${en.id}?format=ninjs`, { accept: 'application/ld+json' }, NINJS],
      [`/v1/articles/${en.id}?format=jsonld`, { accept: 'application/vnd.iptc.ninjs+json' }, JSONLD],
    ];
    for (const [path, headers, type] of cases) {
      const res = await read(path, headers);
      t.equal(res.statusCode, 200, `${path} ${headers.accept}`);
      t.equal(res.headers['content-type'], type, `${path} with Accept: ${headers.accept}`);
    }
    const negotiated = await read(`/v1/articles/${en.id}`, { accept: 'application/ld+json' });
    t.same(negotiated.json(), (await read(`/v1/articles/${en.id}?format=jsonld`)).json(), 'same document either way');
    t.same((await read(`/v1/articles/${en.id}?format=json`)).json(), (await read(`/v1/articles/${en.id}`)).json(), 'format=json is the envelope');
  });

  await t.test('ninjs validates against the official IPTC 2.1 schema and carries the article', async (t) => {
    const res = await read(`/v1/articles/${en.id}?format=ninjs`);
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], NINJS);
    t.equal(res.headers['content-language'], 'en');
    const doc = res.json();
    t.equal(validateNinjs(doc), '', 'valid ninjs 2.1');
    t.not(validateNinjs({ uri: doc.uri, headline: 'x', body_html: '<p>x</p>' }), '', 'the schema refuses ninjs 1.x property names');
    const api = (await read(`/v1/articles/${en.id}`)).json().data;
    const [row] = await app.db.select({ version: articles.version }).from(articles).where(eq(articles.id, en.id));

    t.equal(doc.uri, `urn:uuid:${en.id}`);
    t.same(doc.standard, { name: 'ninjs', version: '2.1', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json' });
    t.equal(doc.type, 'text');
    t.equal(doc.version, String(row.version));
    t.equal(doc.language, 'en');
    t.same(doc.headlines, [{ role: 'main', value: longTitle }], 'the whole title');
    t.same(doc.descriptions, [{ role: 'summary', contenttype: 'text/plain', value: 'Officials opened shelters overnight.' }]);
    t.same(doc.bodies, [{ role: 'main', contenttype: 'text/html', value: api.bodyHtml }]);
    t.equal(doc.by, 'Lan Nguyen, Minh Tran');
    t.equal(doc.versioncreated, api.updatedAt);
    t.equal(doc.firstcreated, api.firstPublishedAt);
    t.equal(doc.pubstatus, 'usable');
    t.notOk('embargoed' in doc);
    t.equal(doc.copyrightholder, 'Dateline News');
    t.equal(doc.copyrightnotice, '© Dateline News');
    t.equal(doc.slugline, 'river-towns-brace');
    t.equal(doc.located, 'Can Tho');
    t.same(doc.subjects, [
      { name: 'Floods', uri: `http://dateline.test/v1/categories/${floods.id}`, literal: 'floods' },
      { name: 'Mekong', uri: `http://dateline.test/v1/tags/${river.id}`, literal: river.slug },
      { name: 'Rain', uri: `http://dateline.test/v1/tags/${rain.id}`, literal: rain.slug },
    ]);
    t.same(doc.infosources, [
      { name: 'Associated Press', uri: 'https://apnews.com', literal: agency.slug },
      { name: 'Tuoi Tre', literal: outlet.slug },
    ]);
    t.same(doc.renditions, [{ name: 'web', href: enUrl, contenttype: 'text/html', title: longTitle }]);
    t.same(doc.associations, [
      {
        name: 'featureimage',
        uri: cover.url,
        type: 'picture',
        by: 'Photo: AP',
        descriptions: [
          { role: 'caption', contenttype: 'text/plain', value: 'Boats replaced cars.' },
          { role: 'alt', contenttype: 'text/plain', value: 'Boats on a street' },
        ],
        renditions: [{ name: 'original', href: cover.url, contenttype: 'image/jpeg', width: 1200, height: 800 }],
      },
      {
        name: 'image1',
        uri: bodyImage.url,
        type: 'picture',
        by: 'Photo: Minh Tran',
        descriptions: [
          { role: 'caption', contenttype: 'text/plain', value: 'The levee held.' },
          { role: 'alt', contenttype: 'text/plain', value: 'A levee' },
        ],
        renditions: [{ name: 'original', href: bodyImage.url, contenttype: 'image/png', width: 640, height: 480 }],
      },
    ]);
    t.same(doc.altids, [{ role: 'translationgroup', value: api.translationGroupId }]);

    const zhDoc = (await read(`/v1/articles/by-slug/zh/river-towns-brace?format=ninjs`)).json();
    t.equal(validateNinjs(zhDoc), '', 'the translation is valid ninjs too');
    t.equal(zhDoc.language, 'zh');
    t.equal(zhDoc.copyrightholder, '日界新闻');
    t.equal(zhDoc.by, 'Lan Nguyen, Minh Tran, Hoa Le');
  });

  await t.test('ninjs of an unpublished or embargoed article, for callers allowed to see it', async (t) => {
    const asEditor = await read(`/v1/articles/${draft.id}?format=ninjs`, auth);
    t.equal(asEditor.statusCode, 200);
    const draftDoc = asEditor.json();
    t.equal(validateNinjs(draftDoc), '', 'valid ninjs 2.1');
    t.equal(draftDoc.pubstatus, 'withheld');
    t.equal(draftDoc.firstcreated, (await read(`/v1/articles/${draft.id}`, auth)).json().data.createdAt, 'never published: its creation');

    const partner = { authorization: `Bearer ${await ctx.tokenWith(['preview:read'])}` };
    const embargoedDoc = (await read(`/v1/articles/${embargoed.id}?format=ninjs`, partner)).json();
    t.equal(validateNinjs(embargoedDoc), '', 'valid ninjs 2.1');
    t.equal(embargoedDoc.embargoed, new Date(now.getTime() + HOUR).toISOString());
    t.equal(embargoedDoc.pubstatus, 'usable', 'the embargo is told by embargoed, not by withholding it');
  });

  await t.test('a draft or embargoed article is a 404 for anonymous readers in every format', async (t) => {
    const paths = [
      `/v1/articles/${draft.id}?format=jsonld`,
      `/v1/articles/${draft.id}?format=ninjs`,
      `/v1/articles/${embargoed.id}?format=jsonld`,
      `/v1/articles/${embargoed.id}?format=ninjs`,
      `/v1/articles/by-slug/en/under-embargo?format=jsonld`,
      `/v1/articles/by-slug/en/a-draft?format=ninjs`,
      `/v1/articles/by-slug/vi/river-towns-brace?format=jsonld`,
    ];
    for (const path of paths) {
      const res = await read(path);
      t.equal(res.statusCode, 404, path);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', path);
      t.equal(res.json().code, 'NOT_FOUND', path);
    }
    const negotiated = await read(`/v1/articles/${embargoed.id}`, { accept: 'application/vnd.iptc.ninjs+json' });
    t.equal(negotiated.statusCode, 404, 'by Accept too');
  });

  await t.test('an unknown format is a 400 problem naming /query/format', async (t) => {
    for (const path of [`/v1/articles/${en.id}?format=xml`, `/v1/articles/by-slug/en/river-towns-brace?format=NINJS`, `/v1/articles/${en.id}?format=`]) {
      const res = await read(path);
      t.equal(res.statusCode, 400, path);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', path);
      const problem = res.json();
      t.equal(problem.code, 'VALIDATION_FAILED', path);
      t.equal(problem.errors[0].pointer, '/query/format', path);
    }
    const badInclude = await read(`/v1/articles/${en.id}?format=jsonld&include=comments`);
    t.equal(badInclude.statusCode, 400, 'include is still checked with another format');
    t.equal(badInclude.json().errors[0].pointer, '/query/include');
  });

  await t.test('conditional GET per format', async (t) => {
    for (const format of ['jsonld', 'ninjs']) {
      const first = await read(`/v1/articles/${en.id}?format=${format}`);
      const etag = String(first.headers.etag);
      const again = await read(`/v1/articles/${en.id}?format=${format}`, { 'if-none-match': etag });
      t.equal(again.statusCode, 304, format);
      t.equal(again.body, '', `${format}: no body`);
      const envelopeTag = (await read(`/v1/articles/${en.id}`)).headers.etag;
      t.not(etag, envelopeTag, `${format} has its own ETag`);
      const envelope = await read(`/v1/articles/${en.id}`, { 'if-none-match': etag });
      t.equal(envelope.statusCode, 200, `the ${format} ETag does not validate the envelope`);
    }
    // An edit changes the version, so the old ETag no longer matches.
    const before = String((await read(`/v1/articles/${en.id}?format=ninjs`)).headers.etag);
    const edit = await app.inject({
      method: 'PATCH',
      url: `/v1/articles/${en.id}`,
      headers: { ...auth, 'if-match': before },
      payload: { lead: 'Shelters opened overnight.' },
    });
    t.equal(edit.statusCode, 200, edit.body);
    const after = await read(`/v1/articles/${en.id}?format=ninjs`, { 'if-none-match': before });
    t.equal(after.statusCode, 200);
    t.equal(after.json().descriptions[0].value, 'Shelters opened overnight.');
  });
});
