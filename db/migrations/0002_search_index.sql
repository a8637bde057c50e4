-- Full-text search over every message. Contentless (the text lives in `messages`) with rowid =
-- messages.id; the columns hold text already normalised by server/domain/text-normalize (Arabic
-- letter forms, digits, case), so the tokenizer only splits words.
CREATE VIRTUAL TABLE `search_index` USING fts5(
	`subject`, `body`, `sender`,
	content='', contentless_delete=1,
	tokenize='unicode61 remove_diacritics 2'
);
