// Baton's offline model: an Anthropic-compatible Messages endpoint (DESIGN §6). Point the SDK at it
// with `new Anthropic({ apiKey: "sim", fetch: simulatorFetch(sim) })`, or serve `sim.handle` over
// HTTP (scripts/simulator.ts).

export { extractScript, FAULT_KINDS, type FaultKind } from "./script";
export { Simulator, type SimulatorOptions, simulatorFetch } from "./simulator";
