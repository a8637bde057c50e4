CREATE TABLE `attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_row_id` integer NOT NULL,
	`sha256` text NOT NULL,
	`filename` text,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`content_id` text,
	`disposition` text,
	FOREIGN KEY (`message_row_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sha256`) REFERENCES `blobs`(`sha256`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attachments_message` ON `attachments` (`message_row_id`);--> statement-breakpoint
CREATE TABLE `blobs` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`data` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`outlet` text,
	`language` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_email_unique` ON `contacts` (`email`);--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`thread_id` integer,
	`actor_user_id` integer,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_thread` ON `events` (`thread_id`);--> statement-breakpoint
CREATE TABLE `mailboxes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account` text NOT NULL,
	`folder` text NOT NULL,
	`address` text NOT NULL,
	`uidvalidity` integer,
	`last_uid` integer DEFAULT 0 NOT NULL,
	`highest_modseq` text,
	`state` text DEFAULT 'idle' NOT NULL,
	`last_error` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailboxes_account_folder` ON `mailboxes` (`account`,`folder`);--> statement-breakpoint
CREATE TABLE `message_locations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_row_id` integer NOT NULL,
	`mailbox_id` integer NOT NULL,
	`uidvalidity` integer NOT NULL,
	`uid` integer NOT NULL,
	FOREIGN KEY (`message_row_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_locations_key` ON `message_locations` (`mailbox_id`,`uidvalidity`,`uid`);--> statement-breakpoint
CREATE TABLE `message_refs` (
	`message_row_id` integer NOT NULL,
	`ref_message_id` text NOT NULL,
	FOREIGN KEY (`message_row_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `message_refs_ref` ON `message_refs` (`ref_message_id`);--> statement-breakpoint
CREATE INDEX `message_refs_row` ON `message_refs` (`message_row_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`message_id_synthetic` integer DEFAULT false NOT NULL,
	`content_hash` text NOT NULL,
	`raw_sha256` text NOT NULL,
	`size` integer NOT NULL,
	`in_reply_to` text,
	`references` text DEFAULT '[]' NOT NULL,
	`from_address` text NOT NULL,
	`from_name` text,
	`to` text DEFAULT '[]' NOT NULL,
	`cc` text DEFAULT '[]' NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`date` integer NOT NULL,
	`date_header_valid` integer DEFAULT true NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`html` text,
	`language` text,
	`direction` text DEFAULT 'in' NOT NULL,
	`kind` text DEFAULT 'human' NOT NULL,
	`kind_reason` text,
	`kind_probable` integer DEFAULT false NOT NULL,
	`auth` text DEFAULT 'none' NOT NULL,
	`auth_detail` text,
	`sender_trust` text,
	`duplicate_message_id` integer DEFAULT false NOT NULL,
	`parse_error` text,
	`thread_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`raw_sha256`) REFERENCES `blobs`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_message_id` ON `messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `messages_thread` ON `messages` (`thread_id`,`date`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_identity` ON `messages` (`message_id`,`content_hash`);--> statement-breakpoint
CREATE TABLE `releases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`language` text NOT NULL,
	`published_at` integer NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`family_id` integer,
	`translation_of_url` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_url_unique` ON `releases` (`url`);--> statement-breakpoint
CREATE INDEX `releases_family` ON `releases` (`family_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `threads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject` text NOT NULL,
	`normalized_subject` text NOT NULL,
	`contact_id` integer,
	`status` text DEFAULT 'new' NOT NULL,
	`assignee_id` integer,
	`priority` text DEFAULT 'normal' NOT NULL,
	`deadline` integer,
	`deadline_suggested_at` integer,
	`deadline_suggestion_text` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`release_id` integer,
	`match_confidence` real,
	`match_reason` text,
	`release_linked_by` text,
	`message_count` integer DEFAULT 0 NOT NULL,
	`first_message_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL,
	`merged_into` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `threads_last_activity` ON `threads` (`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `threads_subject` ON `threads` (`normalized_subject`);--> statement-breakpoint
CREATE INDEX `threads_release` ON `threads` (`release_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text DEFAULT 'staff' NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);