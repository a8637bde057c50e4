ALTER TABLE `messages` ADD `auth_detail` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `sender_trust` text;