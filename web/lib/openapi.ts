// Reads an OpenAPI 3 document into what the docs page shows: operations grouped by tag, with
// parameters, request body and responses, and schema $refs resolved (cycles cut).
export type JsonSchema = {
  type?: string | string[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | JsonSchema;
};

export type Param = {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema?: JsonSchema;
};
export type Operation = {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  params: Param[];
  body?: JsonSchema;
  responses: { status: string; description: string; schema?: JsonSchema }[];
  auth: boolean;
};
export type ApiDoc = {
  title: string;
  version: string;
  description?: string;
  operations: Operation[];
  tags: string[];
};

type Doc = {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
  security?: unknown[];
};

const METHODS = ["get", "post", "put", "patch", "delete"];

export function parseOpenApi(raw: unknown): ApiDoc {
  const doc = (raw ?? {}) as Doc;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = ((item as { parameters?: Param[] }).parameters ?? []) as Param[];
    for (const method of METHODS) {
      const op = item[method] as
        | {
            operationId?: string;
            summary?: string;
            description?: string;
            tags?: string[];
            parameters?: Param[];
            requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
            responses?: Record<
              string,
              { description?: string; content?: Record<string, { schema?: JsonSchema }> }
            >;
            security?: unknown[];
          }
        | undefined;
      if (!op) continue;
      const content = op.requestBody?.content;
      ops.push({
        id: op.operationId ?? `${method}-${path}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? "",
        description: op.description,
        tag: op.tags?.[0] ?? path.split("/")[2] ?? "api",
        params: [...shared, ...(op.parameters ?? [])].map((p) => ({ ...p, required: !!p.required })),
        body: content ? Object.values(content)[0]?.schema : undefined,
        responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({
          status,
          description: r.description ?? "",
          schema: r.content ? Object.values(r.content)[0]?.schema : undefined,
        })),
        auth: op.security ? op.security.length > 0 : (doc.security?.length ?? 0) > 0,
      });
    }
  }
  const tags = [...new Set(ops.map((o) => o.tag))];
  return {
    title: doc.info?.title ?? "API",
    version: doc.info?.version ?? "",
    description: doc.info?.description,
    operations: ops,
    tags,
  };
}

/** Follows a local `#/components/schemas/X` ref. */
export function resolveRef(raw: unknown, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split("/").pop() ?? "";
  return (raw as Doc).components?.schemas?.[name] ?? {};
}

export const refName = (s: JsonSchema): string | null => (s.$ref ? (s.$ref.split("/").pop() ?? null) : null);

/** A compact type label: `string`, `number | null`, `Agent[]`, `"a" | "b"`. */
export function typeLabel(s: JsonSchema): string {
  const ref = refName(s);
  if (ref) return ref;
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeLabel).join(" | ");
  if (s.allOf) return s.allOf.map(typeLabel).join(" & ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
  if (t === "array" && s.items) return `${typeLabel(s.items)}[]`;
  const base = t ?? (s.properties ? "object" : "any");
  return s.nullable ? `${base} | null` : base;
}
