// The slice of Express the MCP fixture uses (Express ships no types and @types/express isn't a
// dependency; the SDK's auth router is Express-based, so the fixture mounts it on an Express app).
declare module "express" {
  import type { IncomingMessage, Server, ServerResponse } from "node:http";

  export interface Request extends IncomingMessage {
    query: Record<string, unknown>;
    body?: unknown;
    get(name: string): string | undefined;
  }
  export interface Response extends ServerResponse {
    status(code: number): Response;
    json(body: unknown): Response;
    redirect(status: number, url: string): void;
    cookie?: unknown;
  }
  export type NextFunction = (err?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => unknown;
  export interface Application {
    use(...handlers: unknown[]): Application;
    all(path: string, ...handlers: RequestHandler[]): Application;
    get(path: string, ...handlers: RequestHandler[]): Application;
    post(path: string, ...handlers: RequestHandler[]): Application;
    listen(port: number, host: string, callback: () => void): Server;
  }
  export interface Router extends Application {}
  const express: () => Application;
  export default express;
}
