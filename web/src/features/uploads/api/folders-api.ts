import { fileApi, unwrap } from "@/lib/api/clients";
import { ApiError } from "@/lib/api/errors";

/** The id of the folder `name` under `parentId` (the root when undefined), created if missing. */
export async function ensureFolder(name: string, parentId: string | undefined): Promise<string> {
  try {
    return (await unwrap(fileApi.POST("/folders", { body: { name, ...(parentId && { parentId }) } }))).id;
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "NAME_TAKEN")) throw error;
    const { folders } = await unwrap(
      fileApi.GET("/folders/{id}", {
        params: { path: { id: parentId ?? "root" }, query: { sort: "name", order: "asc", limit: 1 } },
      }),
    );
    const existing = folders.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!existing) throw error;
    return existing.id;
  }
}
