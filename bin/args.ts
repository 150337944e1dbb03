// Command-line options for `baton`: the strict subset of node:util's parseArgs the CLI uses
// (`--name value`, `--name=value`, boolean flags, `--` ends options, `-` is a positional), written
// out so the CLI runs wherever its tests do — the Workers runtime has no parseArgs.

export type OptionSpec = { type: "string" | "boolean"; default?: string };
type Values<S extends Record<string, OptionSpec>> = {
  [K in keyof S]: S[K] extends { default: string }
    ? string
    : S[K]["type"] extends "string"
      ? string | undefined
      : boolean | undefined;
};

/** A command line the spec doesn't allow: the CLI prints it with the help and exits 2. */
export class ArgsError extends Error {}

export function parseArgs<S extends Record<string, OptionSpec>>(config: {
  args: string[];
  options: S;
  allowPositionals?: boolean;
}): { values: Values<S>; positionals: string[] } {
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, spec] of Object.entries(config.options)) values[name] = spec.default;
  const positionals: string[] = [];
  const args = config.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      if (arg.startsWith("-") && arg !== "-") throw new ArgsError(`Unknown option '${arg}'.`);
      if (!config.allowPositionals) throw new ArgsError(`Unexpected argument '${arg}'.`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.hasOwn(config.options, name) ? config.options[name] : undefined;
    if (!spec) throw new ArgsError(`Unknown option '--${name}'.`);
    if (spec.type === "boolean") {
      if (eq >= 0) throw new ArgsError(`Option '--${name}' does not take a value.`);
      values[name] = true;
    } else if (eq >= 0) {
      values[name] = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined) throw new ArgsError(`Option '--${name} <value>' needs a value.`);
      values[name] = next;
      i++;
    }
  }
  return { values: values as Values<S>, positionals };
}
