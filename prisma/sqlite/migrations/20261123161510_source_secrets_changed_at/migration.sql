-- AlterTable
ALTER TABLE "Source" ADD COLUMN "secretsChangedAt" DATETIME;
