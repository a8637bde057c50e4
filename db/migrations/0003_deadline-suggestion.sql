ALTER TABLE `threads` ADD `deadline_suggested_at` integer;--> statement-breakpoint
ALTER TABLE `threads` ADD `deadline_suggestion_text` text;