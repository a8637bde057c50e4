ALTER TABLE `messages` ADD `kind_reason` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `kind_probable` integer DEFAULT false NOT NULL;