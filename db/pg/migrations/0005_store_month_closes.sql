CREATE TABLE "store_month_closes" (
	"store_area_id" bigint NOT NULL,
	"month" text NOT NULL,
	"figures" text NOT NULL,
	"closing_funds_fen" bigint NOT NULL,
	"closing_stock_fen" bigint NOT NULL,
	"closing_layers" text NOT NULL,
	"movement_hwm" bigint NOT NULL,
	"fund_hwm" bigint NOT NULL,
	"closed_at" bigint NOT NULL,
	CONSTRAINT "store_month_closes_store_area_id_month_pk" PRIMARY KEY("store_area_id","month")
);
--> statement-breakpoint
CREATE INDEX "households_village_status_idx" ON "households" USING btree ("village_id","status");