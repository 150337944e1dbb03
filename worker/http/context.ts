// The Hono environment shared by every route module.
export type Caller = {
  userId: string;
  email: string;
  via: "session" | "token";
  /** Which credential: the session's id hash, or the API token's id (streams remember it, §8). */
  sessionHash?: string;
  tokenId?: string;
};

export type AppEnv = {
  Bindings: Env;
  Variables: { caller: Caller };
};
