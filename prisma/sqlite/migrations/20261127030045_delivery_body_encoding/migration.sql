-- Hand-written (ADR 0017): SQLite adds a column in place, while Prisma's generated table
-- rebuild would copy every stored delivery (GBs at 1M events) and drop the partial
-- svix-id index of the ingest_index_diet migration. Existing rows get NULL: as received,
-- not compacted yet, so the worker compresses the history already stored too.
ALTER TABLE "Delivery" ADD COLUMN "bodyEncoding" INTEGER;

-- The deliveries the worker has still to compact (app/deliveries/compact-bodies.server.ts).
CREATE INDEX "Delivery_uncompacted_idx" ON "Delivery"("id") WHERE "bodyEncoding" IS NULL;
