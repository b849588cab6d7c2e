-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "bodyEncoding" INTEGER;
