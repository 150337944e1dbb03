// The diff of two versions of a file. The diff engine (@codemirror/merge and the editor core) is a
// lazy chunk fetched the first time a diff is shown; until then, and if it can't load, the page
// says so instead of jumping.
import { useEffect, useRef, useState } from "react";
import { useMediaQuery } from "../../hooks/useMediaQuery";
import { chunk } from "../../lib/chunks";
import type { DiffMode } from "../../lib/editor/merge";

const loadDiff = chunk(() => import("../../lib/editor/merge"));

export function DiffView({
  before,
  after,
  path,
  label,
}: {
  before: string;
  after: string;
  path: string;
  /** What is compared, for screen readers ("Changes in version 3"). */
  label: string;
}) {
  const wide = useMediaQuery("(min-width: 1100px)");
  const [chosen, setChosen] = useState<DiffMode | null>(null);
  // Side by side needs the width; a narrow window always gets the unified view.
  const mode: DiffMode = wide && chosen ? chosen : "unified";
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  useEffect(() => {
    let destroy: (() => void) | null = null;
    let live = true;
    loadDiff().then(
      (m) => {
        if (!live || !host.current) return;
        host.current.replaceChildren();
        destroy = m.createDiff(host.current, { before, after, path, mode, label });
        setState("ready");
      },
      () => live && setState("failed"),
    );
    return () => {
      live = false;
      destroy?.();
    };
  }, [before, after, path, mode, label]);

  return (
    <div className="diff" data-state={state} data-mode={mode}>
      <div className="diff-bar">
        <p className="muted">
          <span className="diff-key diff-key-add" aria-hidden="true" /> added
          <span className="diff-key diff-key-del" aria-hidden="true" /> removed
        </p>
        <span className="spacer" />
        {wide && (
          <fieldset className="segmented diff-mode">
            <legend className="sr-only">Diff layout</legend>
            <button type="button" aria-pressed={mode === "unified"} onClick={() => setChosen("unified")}>
              Unified
            </button>
            <button type="button" aria-pressed={mode === "split"} onClick={() => setChosen("split")}>
              Split
            </button>
          </fieldset>
        )}
      </div>
      {state === "loading" && (
        <p className="muted diff-status" aria-busy="true">
          Loading the diff…
        </p>
      )}
      {state === "failed" && (
        <p className="notice notice-error diff-status" role="alert">
          The diff view couldn't be loaded. Check your connection and reopen this version.
        </p>
      )}
      <div ref={host} className="diff-host" />
    </div>
  );
}
