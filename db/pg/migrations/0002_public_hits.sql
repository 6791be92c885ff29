CREATE TABLE "public_hits" (
	"window_start" bigint NOT NULL,
	"key" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "public_hits_window_start_key_pk" PRIMARY KEY("window_start","key")
);
