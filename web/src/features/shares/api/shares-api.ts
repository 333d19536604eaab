import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fileApi, unwrap } from "@/lib/api/clients";
import type { paths } from "@/lib/api/generated/file-service";

export type Share = paths["/shares"]["get"]["responses"][200]["content"]["application/json"]["shares"][number];
export type ShareChoices = NonNullable<
  paths["/files/{id}/shares"]["post"]["requestBody"]
>["content"]["application/json"];
export type CreatedShare = paths["/files/{id}/shares"]["post"]["responses"][201]["content"]["application/json"];

const SHARES_KEY = ["shares"] as const;

/** The person's live share links, newest first. */
export function useShares() {
  // Asked again on every visit: downloads happen elsewhere, all the time.
  return useQuery({ queryKey: SHARES_KEY, queryFn: () => unwrap(fileApi.GET("/shares")), staleTime: 0 });
}

/** A shared file's name; the list of shares holds only its id. */
export function useFileName(fileId: string) {
  return useQuery({
    queryKey: ["files", fileId],
    queryFn: () => unwrap(fileApi.GET("/files/{id}", { params: { path: { id: fileId } } })),
    select: (file) => file.name,
    staleTime: 60_000,
  });
}

export function useCreateShare(fileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (choices: ShareChoices) =>
      unwrap(fileApi.POST("/files/{id}/shares", { params: { path: { id: fileId } }, body: choices })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SHARES_KEY }),
  });
}

export function useRevokeShare() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(fileApi.DELETE("/shares/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SHARES_KEY }),
  });
}
