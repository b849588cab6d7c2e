-- AlterTable
ALTER TABLE "Source" ADD COLUMN "alertSettings" TEXT;

-- AlterTable
ALTER TABLE "Target" ADD COLUMN "alertSettings" TEXT;
