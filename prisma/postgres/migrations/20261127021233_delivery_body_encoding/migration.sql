-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "bodyEncoding" INTEGER NOT NULL DEFAULT 0;
