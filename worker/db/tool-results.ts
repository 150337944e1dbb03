// Tool results by tool_use_id: the exactly-once record of each call (DESIGN §5.3). A call whose
// result is here never runs again, whatever restarts come; the first write wins.
import { type ToolResultRow, type ToolResultSql, toToolResult } from "./store-types";

export class ToolResults {
  constructor(private readonly sql: () => SqlStorage) {}

  get(toolUseId: string): ToolResultRow | undefined {
    const r = this.sql()
      .exec<ToolResultSql>("SELECT * FROM tool_results WHERE tool_use_id = ?", toolUseId)
      .toArray()[0];
    return r ? toToolResult(r) : undefined;
  }

  /** Keeps the first result of a call; a second write for the same id is ignored. */
  save(row: ToolResultRow): void {
    this.sql().exec(
      `INSERT INTO tool_results (tool_use_id, run_id, name, content, is_error, ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      row.toolUseId,
      row.runId,
      row.name,
      row.content,
      row.isError ? 1 : 0,
      row.ms,
      row.createdAt,
    );
  }
}
