// Shared by the MCP fixture server (Node) and the tests (workerd): no imports.

/** The header value /keyed/mcp wants: a "secret" the tests look for in every API answer and row. */
export const FIXTURE_API_KEY = "fixture-secret-6b1d0f2e9a7c4e55";
