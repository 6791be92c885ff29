CREATE TABLE `public_hits` (
	`window_start` integer NOT NULL,
	`key` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`window_start`, `key`)
);
