-- Event rows leave out the stream name (the same in every row of an object, ~25% of the table);
-- the event log splices it back in on every read (worker/db/event-log.ts). Rows written before
-- this are stripped here: each body began {"stream":"<kind>:<id>","seq":…, and ids hold no quote,
-- so the first `,"seq":` ends the stream field. What a reader gets back is byte for byte the same.
UPDATE `events` SET `body` = '{' || substr(`body`, instr(`body`, ',"seq":') + 1) WHERE `body` LIKE '{"stream":%';
