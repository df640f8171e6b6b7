// What every article write does last, inside its own transaction: refresh the search document and
// record the change to the public view for the partner feed. Inside the transaction, so a rolled-back
// write leaves neither behind, and a committed one never lacks them.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles } from '../../db/schema/index.js';
import { recordPublicChange } from '../changes/service.js';
import { indexArticle, searchTextChanged } from '../search/indexer.js';
import type { ArticleRow } from './queries.js';

/** `before` is the row as it was (null for a new article); call it after the write, as the last statement. */
export async function afterArticleWrite(tx: Db, id: string, before: ArticleRow | null, now: Date): Promise<void> {
  const [after] = await tx.select().from(articles).where(eq(articles.id, id));
  if (after && searchTextChanged(before, after)) await indexArticle(tx, after);
  await recordPublicChange(tx, before, after ?? null, now);
}
