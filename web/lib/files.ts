// Links into an orchestrator's workspace, shared by the chat, the agent page and the files page.

/** The files page with `path` selected. */
export function fileHref(orchestratorId: string, path: string): string {
  return `/o/${encodeURIComponent(orchestratorId)}/files?path=${encodeURIComponent(path)}`;
}
