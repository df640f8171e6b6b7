// Who may change or publish one article, by role. Route scopes are the coarse gate (content:write,
// content:publish); these checks add "own articles only" for authors and contributors.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleAuthors } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { forbidden } from '../../http/errors.js';

export interface ArticleOwnership {
  id: string;
  createdByUserId: string | null;
  status: string;
}

type User = NonNullable<WriteContext['user']>;

/** "Own" = created by the user, or bylined to the user's author profile. */
export async function isOwnArticle(db: Db, user: User, article: ArticleOwnership): Promise<boolean> {
  if (article.createdByUserId === user.id) return true;
  if (!user.authorId) return false;
  const [byline] = await db
    .select({ articleId: articleAuthors.articleId })
    .from(articleAuthors)
    .where(and(eq(articleAuthors.articleId, article.id), eq(articleAuthors.authorId, user.authorId)))
    .limit(1);
  return Boolean(byline);
}

/**
 * Throws 403 unless the caller may change this article. API tokens (no user) passed the route's
 * content:write check and may edit anything; admins and editors too; authors their own articles;
 * contributors their own drafts only.
 */
export async function assertCanEdit(db: Db, ctx: WriteContext, article: ArticleOwnership): Promise<void> {
  const user = ctx.user;
  if (!user || user.role === 'admin' || user.role === 'editor') return;
  if (!(await isOwnArticle(db, user, article))) {
    throw forbidden(`The ${user.role} role may change only its own articles (created by you or bylined to your author profile).`);
  }
  if (user.role === 'contributor' && article.status !== 'draft') {
    throw forbidden(`The contributor role may change only drafts; this article is "${article.status}".`);
  }
}

/**
 * Throws 403 unless the caller may publish (or schedule, unpublish) this article. Tokens need
 * content:publish, checked by the route; admins and editors may; authors only their own articles
 * and only when the site allows it (site setting workflow.authorsMayPublish); contributors never.
 */
export async function assertCanPublish(db: Db, ctx: WriteContext, article: ArticleOwnership, authorsMayPublish: boolean): Promise<void> {
  const user = ctx.user;
  if (!user || user.role === 'admin' || user.role === 'editor') return;
  if (user.role === 'contributor') throw forbidden('The contributor role cannot publish: submit the article for review instead.');
  if (!authorsMayPublish) throw forbidden('This site does not let authors publish: submit the article for review instead.');
  if (!(await isOwnArticle(db, user, article))) throw forbidden('The author role may publish only its own articles.');
}
