// The Hono environment shared by every route module.
export type Caller = { userId: string; email: string; via: "session" | "token"; sessionHash?: string };

export type AppEnv = {
  Bindings: Env;
  Variables: { caller: Caller };
};
