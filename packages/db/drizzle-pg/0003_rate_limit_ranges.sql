-- Code point order for the keys, whatever the database's collation: a key prefix is then a
-- key range the primary key's index serves (resetPrefix).
ALTER TABLE "rate_limits" ALTER COLUMN "key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
CREATE INDEX "rate_limits_window_start" ON "rate_limits" USING btree ("window_start");
