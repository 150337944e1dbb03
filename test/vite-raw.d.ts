// The two Vite features the Worker-project tests use to read repository files inside workerd
// (which has no file system): `?raw` imports and eager `import.meta.glob`, both resolved by Vite
// when it builds the test. Declared narrowly instead of pulling vite/client into the Worker's types.

declare module "*?raw" {
  const text: string;
  export default text;
}

interface ImportMeta {
  glob<T = unknown>(
    patterns: string | string[],
    options: { query: "?raw"; import: "default"; eager: true },
  ): Record<string, T>;
}
