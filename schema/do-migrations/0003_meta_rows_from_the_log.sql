-- Two meta rows are no longer written: the run under way is read from the runs table, and the
-- message that was streaming when an object died from its event log (worker/db/store.ts
-- activeRunId, worker/loop/checkpoints.ts inflightMessage). The rows an older version left would be
-- stale from the first run on: they go, so nothing can ever read them as current (the log and the
-- runs table held the same facts, written in the same transactions).
DELETE FROM `meta` WHERE `key` IN ('activeRunId', 'inflight');
