-- unaccent folds Vietnamese (and other Latin-script) diacritics for search; trusted, so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TYPE "public"."change_action" AS ENUM('upsert', 'delete');--> statement-breakpoint
CREATE TABLE "article_search" (
	"article_id" uuid PRIMARY KEY NOT NULL,
	"document" "tsvector" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "article_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"article_id" uuid NOT NULL,
	"translation_group_id" uuid NOT NULL,
	"locale" text NOT NULL,
	"slug" text NOT NULL,
	"action" "change_action" NOT NULL,
	"event" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_article_changes" (
	"article_id" uuid PRIMARY KEY NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "article_search" ADD CONSTRAINT "article_search_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_article_changes" ADD CONSTRAINT "pending_article_changes_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_search_document_idx" ON "article_search" USING gin ("document");--> statement-breakpoint
CREATE INDEX "article_changes_locale_seq_index" ON "article_changes" USING btree ("locale","seq");--> statement-breakpoint
CREATE INDEX "article_changes_article_id_index" ON "article_changes" USING btree ("article_id");--> statement-breakpoint
CREATE INDEX "pending_article_changes_due_at_index" ON "pending_article_changes" USING btree ("due_at");--> statement-breakpoint
-- Articles already public when the feed starts: one upsert each, oldest first, so a partner starting from
-- the beginning mirrors everything. Search documents are built by the server at start-up (indexer.ts).
INSERT INTO "article_changes" ("article_id", "translation_group_id", "locale", "slug", "action", "event", "at")
SELECT "id", "translation_group_id", "locale", "slug", 'upsert', 'article.published', now()
FROM "articles"
WHERE "status" = 'published' AND "published_at" <= now()
  AND ("embargo_until" IS NULL OR "embargo_until" <= now())
  AND ("unpublish_at" IS NULL OR "unpublish_at" > now())
ORDER BY "published_at", "id";--> statement-breakpoint
-- Published but waiting for a publish time or an embargo: the scheduler reports them when they fall due.
INSERT INTO "pending_article_changes" ("article_id", "due_at")
SELECT "id", GREATEST("published_at", COALESCE("embargo_until", "published_at"))
FROM "articles"
WHERE "status" = 'published'
  AND ("published_at" > now() OR "embargo_until" > now())
  AND ("unpublish_at" IS NULL OR "unpublish_at" > GREATEST("published_at", COALESCE("embargo_until", "published_at")));
