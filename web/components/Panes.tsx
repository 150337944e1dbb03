// Side-by-side panes that resize by dragging (or arrow keys on) the handles between them and
// collapse to a slim rail. Below a breakpoint they stack as tabs, one pane at a time. Sizes are
// flex weights so the layout fills any width; they persist per layout key.
import {
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";
import { useMediaQuery } from "../hooks/useMediaQuery";
import { Icon } from "./Icon";
import "../styles/panes.css";

export type PaneSpec = {
  id: string;
  title: string;
  /** Initial flex weight. */
  weight: number;
  minPx?: number;
  /** Extra header content (counts, actions). */
  header?: ReactNode;
  badge?: ReactNode;
  children: ReactNode;
};

type Layout = { weights: Record<string, number>; collapsed: Record<string, boolean> };

const MIN_PX = 240;
const KEY_STEP_PX = 32;

function loadLayout(key: string, panes: PaneSpec[]): Layout {
  const fallback: Layout = {
    weights: Object.fromEntries(panes.map((p) => [p.id, p.weight])),
    collapsed: {},
  };
  try {
    const raw = localStorage.getItem(`baton.panes.${key}`);
    if (!raw) return fallback;
    const saved = JSON.parse(raw) as Layout;
    for (const p of panes) if (!((saved.weights?.[p.id] ?? 0) > 0)) return fallback;
    return { weights: saved.weights, collapsed: saved.collapsed ?? {} };
  } catch {
    return fallback;
  }
}

export function Panes({
  layoutKey,
  panes,
  stackBelow = 900,
}: {
  layoutKey: string;
  panes: PaneSpec[];
  stackBelow?: number;
}) {
  const stacked = useMediaQuery(`(max-width: ${stackBelow}px)`);
  const [layout, setLayout] = useState<Layout>(() => loadLayout(layoutKey, panes));
  const [activeTab, setActiveTab] = useState(panes[panes.length - 1]!.id);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    try {
      localStorage.setItem(`baton.panes.${layoutKey}`, JSON.stringify(layout));
    } catch {
      // storage full or disabled: layout just won't persist
    }
  }, [layout, layoutKey]);

  const expanded = panes.filter((p) => !layout.collapsed[p.id]);

  /** Moves `px` pixels of width from the pane right of the handle to the one left of it. */
  const resize = useCallback(
    (leftId: string, rightId: string, px: number) => {
      const el = container.current;
      if (!el) return;
      setLayout((l) => {
        const open = panes.filter((p) => !l.collapsed[p.id]);
        const sum = open.reduce((s, p) => s + (l.weights[p.id] ?? p.weight), 0);
        const width = el.getBoundingClientRect().width || 1;
        const perPx = sum / width;
        const left = l.weights[leftId] ?? 1;
        const right = l.weights[rightId] ?? 1;
        const minL = (panes.find((p) => p.id === leftId)?.minPx ?? MIN_PX) * perPx;
        const minR = (panes.find((p) => p.id === rightId)?.minPx ?? MIN_PX) * perPx;
        let d = px * perPx;
        d = Math.max(minL - left, Math.min(right - minR, d));
        if (!Number.isFinite(d) || d === 0) return l;
        return { ...l, weights: { ...l.weights, [leftId]: left + d, [rightId]: right - d } };
      });
    },
    [panes],
  );

  const toggle = (id: string) =>
    setLayout((l) => {
      const collapsing = !l.collapsed[id];
      // Keep at least one pane open.
      if (collapsing && panes.filter((p) => !l.collapsed[p.id]).length <= 1) return l;
      return { ...l, collapsed: { ...l.collapsed, [id]: collapsing } };
    });

  if (stacked) {
    return (
      <div className="panes panes-stacked">
        <div className="pane-tabs" role="tablist" aria-label="Panels">
          {panes.map((p) => (
            <button
              key={p.id}
              type="button"
              role="tab"
              id={`tab-${p.id}`}
              aria-selected={activeTab === p.id}
              aria-controls={`pane-${p.id}`}
              onClick={() => setActiveTab(p.id)}
            >
              {p.title}
              {p.badge}
            </button>
          ))}
        </div>
        {panes.map((p) => (
          <section
            key={p.id}
            id={`pane-${p.id}`}
            role="tabpanel"
            aria-labelledby={`tab-${p.id}`}
            className="pane"
            hidden={activeTab !== p.id}
          >
            {p.header && <div className="pane-header pane-header-stacked">{p.header}</div>}
            <div className="pane-body">{p.children}</div>
          </section>
        ))}
      </div>
    );
  }

  return (
    <div className="panes" ref={container}>
      {panes.map((p, i) => {
        const collapsed = !!layout.collapsed[p.id];
        const nextOpen = expanded[expanded.indexOf(p) + 1];
        const showHandle = !collapsed && nextOpen !== undefined && i < panes.length - 1;
        return (
          <PaneWithHandle
            key={p.id}
            pane={p}
            collapsed={collapsed}
            weight={layout.weights[p.id] ?? p.weight}
            onToggle={() => toggle(p.id)}
            handle={
              showHandle ? (
                <Handle
                  label={`Resize ${p.title} and ${nextOpen.title}`}
                  onMove={(px) => resize(p.id, nextOpen.id, px)}
                />
              ) : null
            }
          />
        );
      })}
    </div>
  );
}

function PaneWithHandle({
  pane,
  collapsed,
  weight,
  onToggle,
  handle,
}: {
  pane: PaneSpec;
  collapsed: boolean;
  weight: number;
  onToggle: () => void;
  handle: ReactNode;
}) {
  if (collapsed) {
    return (
      <section className="pane pane-collapsed" aria-label={pane.title}>
        <button
          type="button"
          className="btn btn-ghost btn-icon"
          onClick={onToggle}
          aria-label={`Expand ${pane.title}`}
          aria-expanded={false}
          title={`Expand ${pane.title}`}
        >
          <Icon name="expand" />
        </button>
        <span className="pane-rail-title">
          {pane.title}
          {pane.badge}
        </span>
      </section>
    );
  }
  return (
    <>
      <section className="pane" style={{ flexGrow: weight }} aria-labelledby={`pane-title-${pane.id}`}>
        <div className="pane-header">
          <h2 id={`pane-title-${pane.id}`}>{pane.title}</h2>
          {pane.badge}
          <div className="pane-header-extra">{pane.header}</div>
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            onClick={onToggle}
            aria-label={`Collapse ${pane.title}`}
            aria-expanded={true}
            title={`Collapse ${pane.title}`}
          >
            <Icon name="collapse" />
          </button>
        </div>
        <div className="pane-body">{pane.children}</div>
      </section>
      {handle}
    </>
  );
}

function Handle({ label, onMove }: { label: string; onMove: (px: number) => void }) {
  const last = useRef<number | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    last.current = e.clientX;
    document.body.classList.add("resizing");
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (last.current === null) return;
    const dx = e.clientX - last.current;
    last.current = e.clientX;
    if (dx) onMove(dx);
  };
  const end = () => {
    last.current = null;
    document.body.classList.remove("resizing");
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "ArrowLeft") onMove(-KEY_STEP_PX);
    else if (e.key === "ArrowRight") onMove(KEY_STEP_PX);
    else return;
    e.preventDefault();
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable splitter is role=separator by the ARIA pattern; <hr> can't take focus or handle drags.
    <div
      className="pane-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={50}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={end}
      onPointerCancel={end}
      onKeyDown={onKeyDown}
    />
  );
}
