-- Full-text search over event payloads (raw SQL: Prisma cannot express FTS5).
-- Contentless: the index keeps tokens only, the text stays in Delivery.rawBody.
-- EventSearchKey gives each event the integer rowid FTS5 needs.
CREATE TABLE "EventSearchKey" (
    "rowid" INTEGER PRIMARY KEY AUTOINCREMENT,
    "eventId" TEXT NOT NULL
);
CREATE UNIQUE INDEX "EventSearchKey_eventId_key" ON "EventSearchKey"("eventId");
CREATE VIRTUAL TABLE "EventSearch" USING fts5(
    "body",
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
