// The typed client in clients/typescript: generated from the committed spec, and its README's calls work
// against a live API.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { articlePage, createAndPublish, latestInSection } from '../clients/typescript/examples.js';
import { generateSchema, SCHEMA_FILE } from '../clients/typescript/generate.js';
import { createDatelineClient } from '../clients/typescript/src/index.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

t.test('typed TypeScript client', async (t) => {
  await t.test('src/schema.ts is what the committed spec generates', async (t) => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    t.ok(committed === (await generateSchema()), 'clients/typescript/src/schema.ts is out of date: run `npm run client:generate` and commit it');
  });

  await t.test('the README shows examples.ts as it is', async (t) => {
    const readme = readFileSync(new URL('../clients/typescript/README.md', import.meta.url), 'utf8');
    const examples = readFileSync(new URL('../clients/typescript/examples.ts', import.meta.url), 'utf8');
    t.ok(readme.includes('```ts\n' + examples + '```'), 'README.md embeds examples.ts verbatim');
  });

  await t.test("the README's calls against a live API", async (t) => {
    const ctx = await buildTestApp(t);
    const f = factories(ctx.app.db);
    const world = await f.category({ slug: 'world', names: { en: 'World' } });
    const asia = await f.category({ slug: 'asia', parentId: world.id, names: { en: 'Asia' } });
    const tag = await f.tag({ slug: 'monsoon', names: { en: 'Monsoon' } });
    const author = await f.author({ name: 'Lan Pham' });
    const story = await f.article({ categoryId: asia.id, tagIds: [tag.id], authors: [{ authorId: author.id, role: 'writer' }], title: 'Monsoon arrives early' });
    await f.article({ categoryId: asia.id, title: 'Draft about the monsoon', status: 'draft' });
    const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const site = createDatelineClient({ baseUrl: base });
    const newsroom = createDatelineClient({ baseUrl: base, token: ctx.token });

    const section = await latestInSection(site, 'world');
    t.same(section.articles.map((a) => a.id), [story.id], 'a section lists its subsections, never drafts');
    t.equal(section.articles[0].category?.name, 'Asia');
    t.equal(section.articles[0].body, undefined, 'the sparse fieldset leaves the body out');

    const page = await articlePage(site, 'en', section.articles[0].slug as string);
    t.equal(page.title, 'Monsoon arrives early');
    t.same(page.category && 'ancestors' in page.category ? page.category.ancestors?.map((c) => c.slug) : undefined, ['world']);
    t.same(page.tags?.map((x) => x.name), ['Monsoon']);
    t.same(page.authors?.map((x) => x.name), ['Lan Pham']);
    t.same(page.alternates?.map((x) => x.hreflang), ['en', 'x-default']);

    const published = await createAndPublish(newsroom, { locale: 'en', title: 'Ferries run again', lead: 'The first boat left at dawn.', categoryId: world.id });
    t.equal(published.status, 'published');
    t.equal((await articlePage(site, 'en', published.slug)).id, published.id, 'readers see it at once');

    await t.rejects(articlePage(site, 'en', 'no-such-story'), { message: /^404 Not Found/ }, 'a missing article is a 404 problem');
    await t.rejects(createAndPublish(site, { locale: 'en', title: 'Anonymous' }), { message: /^401 Unauthorized/ }, 'writing needs a token');
    await t.rejects(createAndPublish(newsroom, { locale: 'fr', title: 'Pas de locale' }), { message: /^422 .*\/body\/locale/ }, 'bad input is refused with its reason');
  });
});
