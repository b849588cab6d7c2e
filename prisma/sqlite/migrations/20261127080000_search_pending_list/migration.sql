-- Postgres only (the GIN index's pending list); here to keep both providers' migrations
-- in step. FTS5 has its own merge settings (app/events/search.server.ts).
SELECT 1;
