// The standalone simulator the suite drives, started once by global-setup.ts.
export function simUrl(): string {
  const url = process.env.BATON_SIM_URL;
  if (!url) throw new Error("BATON_SIM_URL is not set: run the suite with `vitest --project compat`");
  return url;
}
