// Test data made through the services, with unique names, so tests never guess ids or counts.
import type { Db } from '../../src/db/client.js';
import { systemContext } from '../../src/http/context.js';
import { createArticle, createTranslation, updateArticle } from '../../src/modules/articles/service.js';
import type { ArticleCreateInput, ArticleStatus, ArticleUpdateInput } from '../../src/modules/articles/schemas.js';
import { type ActionInput, applyAction, type WorkflowAction } from '../../src/modules/articles/workflow.js';
import { createAuthor } from '../../src/modules/authors/service.js';
import type { AuthorCreate } from '../../src/modules/authors/schemas.js';
import { createCategory } from '../../src/modules/categories/service.js';
import type { CategoryCreate } from '../../src/modules/categories/schemas.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../../src/modules/site/service.js';
import { createSource } from '../../src/modules/sources/service.js';
import type { SourceCreate } from '../../src/modules/sources/schemas.js';
import { createTag } from '../../src/modules/tags/service.js';

let n = 0;
const next = () => ++n;

/** Services return the row version too (for ETags); tests compare with API bodies, which have none. */
async function plain<T extends { version: number }>(result: Promise<T>): Promise<Omit<T, 'version'>> {
  const { version: _version, ...rest } = await result;
  return rest;
}

export function factories(db: Db) {
  return {
    /** A site publishing in English and Chinese. */
    bilingualSite: () =>
      replaceSiteSettings(
        db,
        {
          ...DEFAULT_SETTINGS,
          locales: [
            { code: 'en', name: 'English' },
            { code: 'zh', name: '中文' },
          ],
        },
        systemContext(),
      ),
    category: (over: Partial<CategoryCreate> = {}) => {
      const i = next();
      return plain(createCategory(db, { slug: `category-${i}`, names: { en: `Category ${i}`, zh: `类别${i}` }, ...over }, systemContext()));
    },
    tag: (over: Partial<Parameters<typeof createTag>[1]> = {}) => {
      const i = next();
      return plain(createTag(db, { slug: `tag-${i}`, names: { en: `Tag ${i}`, zh: `标签${i}` }, ...over }, systemContext()));
    },
    author: (over: Partial<AuthorCreate> = {}) => {
      const i = next();
      return plain(
        createAuthor(db, { name: `Author ${i}`, slug: `author-${i}`, bios: { en: `Bio ${i}`, zh: `简介${i}` }, email: `a${i}@example.com`, ...over }, systemContext()),
      );
    },
    source: (over: Partial<SourceCreate> = {}) => {
      const i = next();
      return plain(
        createSource(db, { shortName: `S${i}`, fullName: `Source ${i}`, slug: `source-${i}`, kind: 'agency', url: `https://s${i}.example.com`, ...over }, systemContext()),
      );
    },
    /** A published English article, an hour old, unless told otherwise. */
    article: (over: Partial<ArticleCreateInput> = {}, now = new Date()) => {
      const i = next();
      return createArticle(
        db,
        {
          locale: 'en',
          title: `Story number ${i}`,
          lead: `Lead ${i}`,
          body: [{ type: 'paragraph', text: `Body ${i}` }],
          status: 'published',
          publishedAt: new Date(now.getTime() - 3_600_000).toISOString(),
          ...over,
        },
        systemContext(now),
      );
    },
    translation: async (id: string, locale: string, over: ArticleUpdateInput, now = new Date()) => {
      const copy = await createTranslation(db, id, { locale }, systemContext(now));
      await updateArticle(db, copy.id, over, systemContext(now));
      return copy;
    },
    /**
     * Walks an existing article (a draft) through the workflow services to `status`, as an editor would:
     * scheduled gets publishAt an hour after `now` unless `timing` says otherwise.
     */
    walkTo: async (id: string, status: ArticleStatus, timing: ActionInput = {}, now = new Date()) => {
      const ctx = systemContext(now, 'test editor');
      const act = (action: WorkflowAction, input: ActionInput = {}) => applyAction(db, id, action, input, ctx);
      if (status === 'draft') return;
      if (status === 'archived') return void (await act('archive'));
      await act('submit');
      if (status === 'in_review') return;
      if (status === 'scheduled') return void (await act('approve', { publishAt: new Date(now.getTime() + 3_600_000).toISOString(), ...timing }));
      await act('approve', { ...timing, publishAt: undefined });
      if (status === 'unpublished') await act('unpublish');
    },
  };
}
