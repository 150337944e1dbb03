// The chat's links into an orchestrator's workspace: paths it mentions (in text and tool cards)
// open the files page at that file, without reloading the app, when the workspace holds it.
import { useMemo } from "react";
import { useNavigate } from "react-router";
import type { ChatLinks } from "../components/chat/chatContext";
import { fileHref } from "../lib/files";
import { resolveMention, type WorkspaceFiles } from "../lib/views/workspaceFiles";

export function useWorkspaceLinks(orchestratorId: string, files: WorkspaceFiles): ChatLinks {
  const navigate = useNavigate();
  return useMemo(() => {
    const file = (mention: string) => {
      const path = resolveMention(files.paths, mention);
      return path ? fileHref(orchestratorId, path) : null;
    };
    return { file, linkPath: file, navigate: (href: string) => void navigate(href) };
  }, [orchestratorId, files, navigate]);
}
