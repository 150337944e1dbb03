// API reference rendered from /api/openapi.json: endpoints by tag, parameters, bodies, responses.
import { Fragment, useEffect, useMemo, useState } from "react";
import { useLoaderData } from "react-router";
import { Icon } from "../components/Icon";
import { useMediaQuery } from "../hooks/useMediaQuery";
import type { DataOf } from "../lib/loaders";
import {
  type JsonSchema,
  type Operation,
  parseOpenApi,
  refName,
  resolveRef,
  typeLabel,
} from "../lib/openapi";
import type { loader } from "./DocsPage.loader";
import "../styles/docs.css";

export default function DocsPage() {
  const spec = useLoaderData<DataOf<typeof loader>>();
  const doc = useMemo(() => (spec.data ? parseOpenApi(spec.data) : null), [spec.data]);
  const [q, setQ] = useState("");
  // On a phone the endpoint list folds into a disclosure at the top instead of disappearing.
  const phone = useMediaQuery("(max-width: 860px)");
  const [navOpen, setNavOpen] = useState(false);
  const showNav = !phone || navOpen;

  useEffect(() => {
    document.title = "API reference · Baton";
  }, []);

  const ops = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (doc?.operations ?? []).filter(
      (o) => !needle || `${o.method} ${o.path} ${o.summary} ${o.tag}`.toLowerCase().includes(needle),
    );
  }, [doc, q]);
  const tags = [...new Set(ops.map((o) => o.tag))];

  return (
    <div className="docs">
      <aside className="docs-nav" aria-label="Endpoints" data-open={showNav}>
        {phone && (
          <button
            type="button"
            className="btn btn-sm docs-nav-toggle"
            aria-expanded={navOpen}
            aria-controls="docs-nav-list"
            onClick={() => setNavOpen((v) => !v)}
          >
            <Icon name="menu" size={14} /> Endpoints <span className="count">{ops.length}</span>
          </button>
        )}
        <div id="docs-nav-list" className="docs-nav-list" hidden={!showNav}>
          <div className="docs-search">
            <Icon name="search" size={14} />
            <input
              className="input input-sm"
              type="search"
              placeholder="Filter endpoints"
              aria-label="Filter endpoints"
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
          </div>
          {tags.map((tag) => (
            <div key={tag} className="docs-nav-group">
              <div className="docs-nav-tag">{tag}</div>
              {ops
                .filter((o) => o.tag === tag)
                .map((o) => (
                  <a
                    key={o.id}
                    href={`#${anchor(o)}`}
                    className="docs-nav-link"
                    onClick={() => phone && setNavOpen(false)}
                  >
                    <span className={`method method-${o.method.toLowerCase()}`}>{o.method}</span>
                    <span className="mono truncate">{o.path}</span>
                  </a>
                ))}
            </div>
          ))}
        </div>
      </aside>
      <div className="docs-main">
        <header className="docs-header">
          <h1>{doc?.title ?? "API reference"}</h1>
          {doc?.version && <span className="badge">v{doc.version}</span>}
          <p className="muted">
            JSON over HTTPS. Authenticate with your session cookie or{" "}
            <code>Authorization: Bearer &lt;token&gt;</code> (create tokens in Settings). Errors are always{" "}
            <code>{'{"error":{"code","message","details"?}}'}</code>. The raw document is at{" "}
            <a href="/api/openapi.json">/api/openapi.json</a>.
          </p>
        </header>
        {spec.error && (
          <div className="notice notice-error" role="alert">
            Couldn't load the API description: {spec.error.message}
          </div>
        )}
        {tags.map((tag) => (
          <section key={tag} aria-labelledby={`tag-${tag}`}>
            <h2 id={`tag-${tag}`} className="docs-tag">
              {tag}
            </h2>
            {ops
              .filter((o) => o.tag === tag)
              .map((o) => (
                <OperationCard key={o.id} op={o} raw={spec.data} />
              ))}
          </section>
        ))}
      </div>
    </div>
  );
}

const anchor = (o: Operation) => `${o.method}-${o.path}`.replace(/[^A-Za-z0-9]+/g, "-");

function OperationCard({ op, raw }: { op: Operation; raw: unknown }) {
  return (
    <article className="card op" id={anchor(op)}>
      <div className="op-head">
        <span className={`method method-${op.method.toLowerCase()}`}>{op.method}</span>
        <code className="op-path">{op.path}</code>
        {!op.auth && <span className="badge">no auth</span>}
      </div>
      {op.summary && <p className="op-summary">{op.summary}</p>}
      {op.description && <p className="muted op-desc">{op.description}</p>}
      {op.params.length > 0 && (
        <div className="op-section">
          <h3>Parameters</h3>
          <table className="table schema-table params-table">
            <colgroup>
              <col className="col-name" />
              <col className="col-in" />
              <col className="col-type" />
              <col />
            </colgroup>
            <tbody>
              {op.params.map((p) => (
                <tr key={`${p.in}:${p.name}`}>
                  <td className="mono">
                    {p.name}
                    {p.required && (
                      <span className="req" title="required">
                        *
                      </span>
                    )}
                  </td>
                  <td className="faint">{p.in}</td>
                  <TypeAndDescription
                    type={p.schema ? typeLabel(p.schema) : ""}
                    description={p.description ?? p.schema?.description}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {op.body && (
        <div className="op-section">
          <h3>Request body</h3>
          <SchemaView schema={op.body} raw={raw} depth={0} />
        </div>
      )}
      {op.responses.length > 0 && (
        <div className="op-section">
          <h3>Responses</h3>
          {op.responses.map((r) => (
            <details key={r.status} className="op-response" open={r.status.startsWith("2")}>
              <summary>
                <span className={`status status-${r.status[0]}`}>{r.status}</span> {r.description}
              </summary>
              {r.schema && <SchemaView schema={r.schema} raw={raw} depth={0} />}
            </details>
          ))}
        </div>
      )}
    </article>
  );
}

function SchemaView({ schema, raw, depth }: { schema: JsonSchema; raw: unknown; depth: number }) {
  const s = resolveRef(raw, schema);
  const obj = s.properties ? s : s.type === "array" && s.items ? resolveRef(raw, s.items) : null;
  if (!obj?.properties || depth > 4) {
    return <code className="schema-type">{typeLabel(schema)}</code>;
  }
  const required = new Set(obj.required ?? []);
  return (
    <div className="schema">
      {refName(schema) && <div className="faint schema-name">{refName(schema)}</div>}
      <table className="table schema-table">
        <colgroup>
          <col className="col-name" />
          <col className="col-type" />
          <col />
        </colgroup>
        <tbody>
          {Object.entries(obj.properties).map(([name, prop]) => {
            const inner = resolveRef(raw, prop);
            const nested =
              (inner.properties ||
                (inner.type === "array" && inner.items && resolveRef(raw, inner.items).properties)) &&
              depth < 4;
            return (
              <Fragment key={name}>
                <tr>
                  <td className="mono">
                    {name}
                    {required.has(name) && (
                      <span className="req" title="required">
                        *
                      </span>
                    )}
                  </td>
                  <TypeAndDescription
                    type={typeLabel(prop)}
                    description={prop.description ?? inner.description}
                  />
                </tr>
                {nested && (
                  <tr className="schema-nested-row">
                    <td colSpan={3}>
                      <details className="schema-nested">
                        <summary>{name} fields</summary>
                        <SchemaView schema={prop} raw={raw} depth={depth + 1} />
                      </details>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A field's type, and its description when it has one (no empty column when it hasn't). */
function TypeAndDescription({ type, description }: { type: string; description?: string }) {
  const text = description?.trim();
  return text ? (
    <>
      <td className="mono schema-type">{type}</td>
      <td className="muted schema-desc">{text}</td>
    </>
  ) : (
    <td className="mono schema-type" colSpan={2}>
      {type}
    </td>
  );
}
