// Personal API tokens for scripts: list, create (secret shown once), revoke.
import { Hono } from "hono";
import { createTokenBody } from "../../schema/api";
import { requireAuth, requireSession } from "../auth/middleware";
import { createToken, listTokens, revokeToken } from "../auth/tokens";
import type { AppEnv } from "../http/context";
import { notFound } from "../http/errors";
import { readJson } from "../http/validate";
import { endStreams, inBackground } from "./end-streams";

export const tokens = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => {
    return c.json({ tokens: await listTokens(c.env, c.get("caller").userId) });
  })
  .post("/", async (c) => {
    const caller = c.get("caller");
    // A leaked token must not be able to mint itself successors that outlive its revocation.
    requireSession(caller, "Creating an API token");
    const { name } = await readJson(c, createTokenBody);
    return c.json(await createToken(c.env, caller.userId, name), 201);
  })
  .delete("/:id", async (c) => {
    const { userId } = c.get("caller");
    const id = c.req.param("id");
    // Scoped to the caller: someone else's id is indistinguishable from a missing one.
    if (!(await revokeToken(c.env, userId, id))) {
      throw notFound("That API token");
    }
    await endStreams(c.env, userId, { tokens: [id] }, inBackground(c));
    return c.body(null, 204);
  });
