-- CreateIndex
CREATE INDEX "Delivery_sourceSlug_outcome_id_idx" ON "Delivery"("sourceSlug", "outcome", "id");
