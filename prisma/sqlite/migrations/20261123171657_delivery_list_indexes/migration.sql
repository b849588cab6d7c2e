-- CreateIndex
CREATE INDEX "Delivery_outcome_id_idx" ON "Delivery"("outcome", "id");

-- CreateIndex
CREATE INDEX "Delivery_sourceSlug_id_idx" ON "Delivery"("sourceSlug", "id");
