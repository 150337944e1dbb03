// Files dropped or picked for upload: read as UTF-8 text (the workspace holds text; a binary file
// is refused here by name, not stored as replacement characters), checked against the per-file
// limit before reading, and named into the folder they were dropped on.
import { INPUT_LIMITS } from "../../schema/api";

export type Upload = { path: string; content: string } | { path: string; error: string };

/** `name` inside `folder` ("" is the workspace's top). */
export const joinPath = (folder: string, name: string): string =>
  folder ? `${folder.replace(/\/+$/, "")}/${name}` : name;

export async function readUpload(
  file: Pick<File, "name" | "size" | "arrayBuffer">,
  folder: string,
  limit: number = INPUT_LIMITS.fileBytes,
): Promise<Upload> {
  const path = joinPath(folder, file.name);
  if (file.size > limit) {
    return { path, error: `is ${formatMiB(file.size)}; a file can be at most ${formatMiB(limit)}` };
  }
  try {
    const content = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
    return { path, content };
  } catch {
    return { path, error: "is not UTF-8 text (the workspace holds text files)" };
  }
}

const formatMiB = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
