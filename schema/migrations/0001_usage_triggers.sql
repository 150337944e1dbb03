-- Usage accounting is derived from assistant message rows inside D1, so the loop writes one
-- statement per billed response instead of three. INSERT ... ON CONFLICT DO NOTHING on messages
-- (a replayed flush) inserts nothing, so nothing is billed twice.
CREATE TRIGGER `messages_bill` AFTER INSERT ON `messages` WHEN NEW.role = 'assistant'
BEGIN
  INSERT INTO `usage_ledger` (id, user_id, orchestrator_id, agent_id, model, day, created_at,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd)
  VALUES (NEW.id, NEW.user_id, NEW.orchestrator_id, NEW.agent_id, COALESCE(NEW.model, 'unknown'),
    strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.created_at,
    NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cost_usd)
  ON CONFLICT (id) DO NOTHING;
END;
--> statement-breakpoint
-- Orchestrator totals are the whole team's spend (its own calls and its agents').
CREATE TRIGGER `usage_ledger_totals` AFTER INSERT ON `usage_ledger`
BEGIN
  UPDATE `orchestrators` SET
    input_tokens = input_tokens + NEW.input_tokens,
    output_tokens = output_tokens + NEW.output_tokens,
    cache_read_tokens = cache_read_tokens + NEW.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + NEW.cache_write_tokens,
    cost_usd = round(cost_usd + NEW.cost_usd, 6),
    last_activity_at = MAX(COALESCE(last_activity_at, 0), NEW.created_at)
  WHERE id = NEW.orchestrator_id;
  UPDATE `agents` SET
    input_tokens = input_tokens + NEW.input_tokens,
    output_tokens = output_tokens + NEW.output_tokens,
    cache_read_tokens = cache_read_tokens + NEW.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + NEW.cache_write_tokens,
    cost_usd = round(cost_usd + NEW.cost_usd, 6)
  WHERE id = NEW.agent_id;
END;
