-- Full-text search over event payloads (raw SQL: Prisma cannot express tsvector).
-- Only the tsvector is kept; the text stays in Delivery.rawBody.
CREATE TABLE "EventSearch" (
    "eventId" TEXT NOT NULL PRIMARY KEY,
    "document" TSVECTOR NOT NULL
);
CREATE INDEX "EventSearch_document_idx" ON "EventSearch" USING GIN ("document");
-- Byte-order collation on the type, so `user.*` prefix ranges use the index.
ALTER TABLE "Event" ALTER COLUMN "type" TYPE TEXT COLLATE "C";
