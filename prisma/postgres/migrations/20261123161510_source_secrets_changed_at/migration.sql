-- AlterTable
ALTER TABLE "Source" ADD COLUMN     "secretsChangedAt" TIMESTAMP(3);
