// The sources an assistant message cites (web search results, fetched pages), numbered in order.
import type { Citation } from "../../../schema/events";
import { externalHref, hostOf } from "../../lib/views/serverTools";

export function Sources({ citations }: { citations: readonly Citation[] }) {
  if (!citations.length) return null;
  return (
    <section className="msg-sources" aria-label="Sources">
      <div className="tool-section">Sources</div>
      <ol>
        {citations.map((c) => {
          const href = externalHref(c.url);
          const label = c.title || c.url;
          return (
            <li key={c.url} title={c.citedText}>
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer" className="md-external">
                  {label}
                </a>
              ) : (
                <span>{label}</span>
              )}{" "}
              <span className="faint">{hostOf(c.url)}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
