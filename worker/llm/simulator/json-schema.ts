// A small JSON Schema toolkit for structured output and forced tool calls: `sampleOf` makes a value
// that is valid against a schema (what the model "says" when the request pins the shape), and
// `schemaError` checks a value against one (so a script's own JSON is used when it fits). Both
// cover the subset clients send: type (or a list of types), enum, const, properties, required,
// additionalProperties, items, prefixItems, min/maxItems, anyOf/oneOf/allOf, $ref into $defs or
// definitions, string formats and lengths, numeric bounds, integers. Anything else is ignored.

export type JsonSchema = { [key: string]: unknown };

const MAX_DEPTH = 12;

const isRecord = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

/** Resolves `#/$defs/x`, `#/definitions/x` (any local JSON pointer) against the root. */
function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string" && hops < 32; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith("#")) return {};
    let target: unknown = root;
    for (const raw of ref
      .slice(1)
      .split("/")
      .filter((p) => p.length > 0)) {
      const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isRecord(target) ? target[key] : undefined;
    }
    if (!isRecord(target)) return {};
    const { $ref: _, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

function typesOf(schema: JsonSchema): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === "string");
  if (isRecord(schema.properties) || schema.required !== undefined) return ["object"];
  if (schema.items !== undefined || schema.prefixItems !== undefined) return ["array"];
  return [];
}

const FORMATS: Record<string, string> = {
  "date-time": "2026-01-01T12:00:00Z",
  date: "2026-01-01",
  time: "12:00:00Z",
  duration: "P1D",
  email: "sim@example.com",
  hostname: "example.com",
  uri: "https://example.com/sim",
  url: "https://example.com/sim",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  uuid: "00000000-0000-4000-8000-000000000000",
};

/**
 * Constraints structured outputs can't enforce travel in the description instead: the SDKs'
 * schema transform (transformJSONSchema) appends them as `{enum: ["a","b"], minimum: 1}`. The
 * model reads them and keeps to them, so the simulated one does too (they never override the
 * schema's own keywords, and validation ignores them, as the API does).
 */
function withHints(s: JsonSchema): JsonSchema {
  if (typeof s.description !== "string") return s;
  const last = s.description.trimEnd().split("\n").at(-1)?.trim() ?? "";
  if (!last.startsWith("{") || !last.endsWith("}")) return s;
  try {
    const quoted = last.replace(/([{,]\s*)(\$?[A-Za-z_][\w$]*)\s*:/g, '$1"$2":');
    const hints: unknown = JSON.parse(quoted);
    return isRecord(hints) ? { ...hints, ...s } : s;
  } catch {
    return s;
  }
}

/** A value valid against `schema`; `hint` (the property name) makes strings read sensibly. */
export function sampleOf(schema: unknown, root: unknown = schema, hint = "value", depth = 0): unknown {
  if (schema === true || !isRecord(schema)) return hint === "value" ? {} : `Simulated ${hint}`;
  const rootSchema = isRecord(root) ? root : schema;
  const s = withHints(resolve(schema, rootSchema));
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const variants = s[key];
    if (Array.isArray(variants) && variants.length > 0) {
      // Prefer a variant that isn't null, so optional fields still carry a value.
      const pick = variants.find((v) => !(isRecord(v) && v.type === "null")) ?? variants[0];
      return sampleOf(pick, rootSchema, hint, depth + 1);
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const merged = s.allOf.reduce<JsonSchema>(
      (acc, part) => mergeSchemas(acc, isRecord(part) ? resolve(part, rootSchema) : {}),
      {},
    );
    const { allOf: _, ...rest } = s;
    return sampleOf(mergeSchemas(merged, rest), rootSchema, hint, depth + 1);
  }
  const types = typesOf(s);
  const type = types.find((t) => t !== "null") ?? types[0];
  switch (type) {
    case "object":
      return sampleObject(s, rootSchema, depth);
    case "array":
      return sampleArray(s, rootSchema, hint, depth);
    case "string":
      return sampleString(s, hint);
    case "integer":
    case "number":
      return sampleNumber(s, type === "integer");
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return `Simulated ${hint}`;
  }
}

function sampleObject(s: JsonSchema, root: JsonSchema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isRecord(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required.filter((r) => typeof r === "string") : []);
  for (const [name, sub] of Object.entries(properties)) {
    // Deep inside a recursive schema only what is required is filled in, so the value stays finite.
    if (depth >= MAX_DEPTH && !required.has(name)) continue;
    out[name] = sampleOf(sub, root, name, depth + 1);
  }
  for (const name of required) if (!(name in out)) out[name] = `Simulated ${name}`;
  return out;
}

function sampleArray(s: JsonSchema, root: JsonSchema, hint: string, depth: number): unknown[] {
  const min = typeof s.minItems === "number" ? s.minItems : 0;
  const max = typeof s.maxItems === "number" ? s.maxItems : Number.POSITIVE_INFINITY;
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
  // Two items show a list is a list; deep in a recursive schema, only the minimum.
  const count = Math.min(max, Math.max(min, depth >= MAX_DEPTH ? 0 : Math.max(2, prefix.length)));
  const item = singular(hint);
  return Array.from({ length: count }, (_, i) =>
    sampleOf(prefix[i] ?? s.items ?? {}, root, `${item} ${i + 1}`, depth + 1),
  );
}

function sampleString(s: JsonSchema, hint: string): string {
  let text = (typeof s.format === "string" && FORMATS[s.format]) || `Simulated ${hint}`;
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : Number.POSITIVE_INFINITY;
  while (text.length < min) text += " sim";
  if (text.length > max) text = text.slice(0, max);
  return text;
}

function sampleNumber(s: JsonSchema, integer: boolean): number {
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  const step = integer ? 1 : 0.5;
  let low = num(s.minimum) ?? Number.NEGATIVE_INFINITY;
  const exMin = num(s.exclusiveMinimum);
  if (exMin !== undefined) low = Math.max(low, exMin + step);
  let high = num(s.maximum) ?? Number.POSITIVE_INFINITY;
  const exMax = num(s.exclusiveMaximum);
  if (exMax !== undefined) high = Math.min(high, exMax - step);
  let value = Math.min(Math.max(integer ? 3 : 3.5, low), high);
  if (integer) value = Math.ceil(value) <= high ? Math.ceil(value) : Math.floor(value);
  const multiple = num(s.multipleOf);
  if (multiple && multiple > 0) value = Math.ceil(value / multiple) * multiple;
  return value;
}

function singular(hint: string): string {
  return hint.endsWith("ies") ? `${hint.slice(0, -3)}y` : hint.endsWith("s") ? hint.slice(0, -1) : hint;
}

function mergeSchemas(a: JsonSchema, b: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...a, ...b };
  if (isRecord(a.properties) && isRecord(b.properties)) out.properties = { ...a.properties, ...b.properties };
  if (Array.isArray(a.required) && Array.isArray(b.required)) out.required = [...a.required, ...b.required];
  return out;
}

/** Why `value` doesn't match `schema` (a path and a reason), or null when it does. */
export function schemaError(
  value: unknown,
  schema: unknown,
  root: unknown = schema,
  path = "$",
): string | null {
  if (schema === true || schema === undefined) return null;
  if (schema === false) return `${path}: no value is allowed here`;
  if (!isRecord(schema)) return null;
  const rootSchema = isRecord(root) ? root : schema;
  const s = resolve(schema, rootSchema);
  if ("const" in s && JSON.stringify(s.const) !== JSON.stringify(value))
    return `${path}: must be ${JSON.stringify(s.const)}`;
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return `${path}: must be one of ${JSON.stringify(s.enum)}`;
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf) {
      const error = schemaError(value, part, rootSchema, path);
      if (error) return error;
    }
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const variants = s[key];
    if (Array.isArray(variants) && !variants.some((v) => schemaError(value, v, rootSchema, path) === null))
      return `${path}: matches none of the ${key} variants`;
  }
  const types = typesOf(s);
  if (types.length > 0 && !types.some((t) => hasType(value, t)))
    return `${path}: must be ${types.join(" or ")}`;
  if (isRecord(value) && (types.includes("object") || types.length === 0)) {
    const properties = isRecord(s.properties) ? s.properties : {};
    if (Array.isArray(s.required)) {
      for (const name of s.required)
        if (typeof name === "string" && !(name in value)) return `${path}: missing "${name}"`;
    }
    for (const [name, v] of Object.entries(value)) {
      if (name in properties) {
        const error = schemaError(v, properties[name], rootSchema, `${path}.${name}`);
        if (error) return error;
      } else if (s.additionalProperties === false) {
        return `${path}: unexpected property "${name}"`;
      } else if (isRecord(s.additionalProperties)) {
        const error = schemaError(v, s.additionalProperties, rootSchema, `${path}.${name}`);
        if (error) return error;
      }
    }
  }
  if (Array.isArray(value) && (types.includes("array") || types.length === 0)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) return `${path}: too few items`;
    if (typeof s.maxItems === "number" && value.length > s.maxItems) return `${path}: too many items`;
    const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
    for (let i = 0; i < value.length; i++) {
      const error = schemaError(value[i], prefix[i] ?? s.items, rootSchema, `${path}[${i}]`);
      if (error) return error;
    }
  }
  if (typeof value === "string") {
    if (typeof s.minLength === "number" && value.length < s.minLength) return `${path}: too short`;
    if (typeof s.maxLength === "number" && value.length > s.maxLength) return `${path}: too long`;
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) return `${path}: below the minimum`;
    if (typeof s.maximum === "number" && value > s.maximum) return `${path}: above the maximum`;
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) return `${path}: too small`;
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) return `${path}: too large`;
  }
  return null;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    default:
      return true;
  }
}

/**
 * Structured outputs accept only closed objects: every object in `output_config.format.schema`
 * must say `additionalProperties: false`. Returns the API's refusal for the first that doesn't.
 */
export function openObjectError(schema: unknown, field: string): string | null {
  let found: string | null = null;
  const visit = (node: unknown): void => {
    if (found || !isRecord(node)) return;
    if (typesOf(node).includes("object") && node.additionalProperties !== false) {
      found =
        node.additionalProperties === true || isRecord(node.additionalProperties)
          ? `${field}: For 'object' type, 'additionalProperties: ${JSON.stringify(node.additionalProperties)}' is not supported. Please set 'additionalProperties' to false`
          : `${field}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
      return;
    }
    for (const key of ["properties", "$defs", "definitions"]) {
      const map = node[key];
      if (isRecord(map)) for (const sub of Object.values(map)) visit(sub);
    }
    for (const key of ["items", "additionalProperties", "not"]) visit(node[key]);
    for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"]) {
      const list = node[key];
      if (Array.isArray(list)) for (const sub of list) visit(sub);
    }
  };
  visit(schema);
  return found;
}
