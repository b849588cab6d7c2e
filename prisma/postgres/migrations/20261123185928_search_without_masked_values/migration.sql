-- Masked values (one-time codes, email and SMS bodies) are no longer indexed for
-- search (ADR 0010). Events of the types that carry them leave the index and are
-- queued again: the worker re-indexes them without those values.
DELETE FROM "EventSearch" WHERE "eventId" IN (SELECT "id" FROM "Event" WHERE "type" IN ('email.created', 'sms.created'));
UPDATE "Event" SET "searchIndexed" = false WHERE "type" IN ('email.created', 'sms.created');
