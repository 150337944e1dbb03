import { EditorView } from "@codemirror/view";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FileContent } from "../../lib/workspace";
import { FileEditor } from "./FileEditor";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const v = (version: number, content: string, updatedBy = "user"): FileContent => ({
  path: "notes/a.md",
  size: content.length,
  version,
  updatedBy,
  updatedAt: 1,
  content,
});

/** The CodeMirror view the editor mounted, to type into it. */
async function view(): Promise<EditorView> {
  const dom = await waitFor(() => {
    const el = document.querySelector<HTMLElement>(".cm-editor");
    if (!el) throw new Error("no editor yet");
    return el;
  });
  return EditorView.findFromDOM(dom)!;
}
const type = (ed: EditorView, text: string) =>
  act(() => ed.dispatch({ changes: { from: ed.state.doc.length, insert: text } }));

describe("FileEditor", () => {
  it("saves a new version against the version opened, then against the one it saved", async () => {
    const sent: { ifMatch: string; body: string }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        const h = init.headers as Record<string, string>;
        sent.push({ ifMatch: h["If-Match"] ?? "", body: String(init.body) });
        return Response.json(v(sent.length + 1, String(init.body)));
      }),
    );
    const onSaved = vi.fn();
    render(
      <FileEditor
        orchestratorId="o1"
        path="notes/a.md"
        file={v(1, "one")}
        onSaved={onSaved}
        onClose={() => {}}
      />,
    );
    const ed = await view();
    const save = screen.getByRole("button", { name: "Save" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await type(ed, " two");
    expect(screen.getByRole("status").textContent).toContain("Unsaved changes");
    fireEvent.click(save);
    await screen.findByText("Saved as version 2.");
    await type(ed, " three");
    fireEvent.click(save);
    await screen.findByText("Saved as version 3.");
    expect(sent).toEqual([
      { ifMatch: '"1"', body: "one two" },
      { ifMatch: '"2"', body: "one two three" },
    ]);
    expect(onSaved).toHaveBeenCalledTimes(2);
  });

  it("shows an agent's version that arrived meanwhile; Keep mine then saves over it, deliberately", async () => {
    const sent: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        sent.push((init.headers as Record<string, string>)["If-Match"] ?? "");
        return Response.json(v(3, String(init.body)));
      }),
    );
    const props = { orchestratorId: "o1", path: "notes/a.md", onSaved: () => {}, onClose: () => {} };
    const { rerender } = render(<FileEditor {...props} file={v(1, "one")} />);
    const ed = await view();
    await type(ed, " mine");
    rerender(<FileEditor {...props} file={v(2, "theirs", "writer")} />);
    const notice = await screen.findByRole("alert");
    expect(notice.textContent).toContain("writer saved version 2 while you were editing");
    expect(ed.state.doc.toString()).toBe("one mine");
    fireEvent.click(screen.getByRole("button", { name: "Keep mine" }));
    expect(screen.queryByRole("alert")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved as version 3.");
    expect(sent).toEqual(['"2"']);
  });

  it("a 412 from the server keeps the edits and offers their version", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === "PUT") {
          return Response.json(
            { error: { code: "version_conflict", message: "x", details: { currentVersion: 4 } } },
            { status: 412 },
          );
        }
        expect(url).toBe("/api/orchestrators/o1/files/notes/a.md");
        return Response.json(v(4, "their text", "writer"));
      }),
    );
    render(
      <FileEditor
        orchestratorId="o1"
        path="notes/a.md"
        file={v(1, "one")}
        onSaved={() => {}}
        onClose={() => {}}
      />,
    );
    const ed = await view();
    await type(ed, " mine");
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "saved version 4 while you were editing",
    );
    expect(ed.state.doc.toString()).toBe("one mine");
    fireEvent.click(screen.getByRole("button", { name: "Load theirs" }));
    await waitFor(() => expect(ed.state.doc.toString()).toBe("their text"));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("status").textContent).toBe("Editing version 4.");
  });
});
