// An agent's report in the chat, as a card that folds: who reported, whether it waits (held by a
// Stop) or was handed to the orchestrator, its first line, and the whole result (markdown, paths
// linked) when opened. It opens by itself when the find bar's query is in it.
import { memo, useEffect, useState } from "react";
import type { ReportItem } from "../../lib/views/transcript";
import { Icon } from "../Icon";
import { Markdown } from "../Markdown";
import { mentions, useChatControls, useChatLinks } from "./chatContext";
import { CopyButton, Timestamp } from "./MessageActions";

const firstLine = (s: string) =>
  s
    .trim()
    .split("\n")[0]
    ?.replace(/^#+\s*/, "") ?? "";

export const ReportCard = memo(function ReportCard({ item }: { item: ReportItem }) {
  const { query } = useChatControls();
  const links = useChatLinks();
  const [open, setOpen] = useState(false);
  const found = mentions(item.result, query);
  useEffect(() => {
    if (found) setOpen(true);
  }, [found]);
  return (
    <div className="msg report" data-agent-id={item.agentId} data-state={item.state}>
      <details className="report-card" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <Icon name="bolt" size={14} />
          <span className="report-title">
            <strong>{item.name}</strong> reported back
          </span>
          <span className={`badge ${item.state === "queued" ? "badge-amber" : ""}`}>
            {item.state === "queued" ? "Waits for your next message" : "Handed to the orchestrator"}
          </span>
          <span className="report-hint faint truncate">{firstLine(item.result)}</span>
        </summary>
        <div className="report-body" data-searchable>
          {item.result ? (
            <Markdown text={item.result} linkPath={links?.linkPath} navigate={links?.navigate} />
          ) : (
            <p className="faint">No result text.</p>
          )}
        </div>
      </details>
      <div className="msg-actions">
        <Timestamp ts={item.ts} />
        {item.result && <CopyButton text={() => item.result} label="Copy report" />}
      </div>
    </div>
  );
});
