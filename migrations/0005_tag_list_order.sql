DROP INDEX "article_tags_tag_id_index";--> statement-breakpoint
ALTER TABLE "article_tags" ADD COLUMN "published_at" timestamp (3) with time zone;--> statement-breakpoint
-- Existing links take their article's publication time; from now on afterArticleWrite keeps it.
UPDATE "article_tags" AS j SET "published_at" = a."published_at" FROM "articles" AS a WHERE a."id" = j."article_id" AND a."published_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "article_tags_tag_order_idx" ON "article_tags" USING btree ("tag_id",(COALESCE("published_at", '-infinity'::timestamptz)) DESC,"article_id");
