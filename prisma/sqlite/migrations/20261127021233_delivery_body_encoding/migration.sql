-- Hand-written (ADR 0017): SQLite adds a column with a constant default in place, while
-- Prisma's generated table rebuild would copy every stored delivery (GBs at 1M events)
-- and drop the partial svix-id index of the ingest_index_diet migration.
ALTER TABLE "Delivery" ADD COLUMN "bodyEncoding" INTEGER NOT NULL DEFAULT 0;
