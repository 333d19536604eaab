import { useInfiniteQuery } from "@tanstack/react-query";
import { folderPage, searchPage, type Sorting } from "../api/files-api";

/** A folder's subfolders and files (or the files found by name), a page of 200 at a time, in the chosen order. */
export function useFolderListing(folderId: string, sorting: Sorting, search: string) {
  return useInfiniteQuery({
    queryKey: search ? ["files", "search", search, sorting] : ["folders", folderId, sorting],
    queryFn: async ({ pageParam }) => {
      if (!search) return folderPage(folderId, sorting, pageParam);
      const page = await searchPage(search, sorting, pageParam);
      return { folder: undefined, folders: [], ...page };
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
