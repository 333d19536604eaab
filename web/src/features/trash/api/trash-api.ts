import { fileApi, unwrap } from "@/lib/api/clients";

export const listTrash = () => unwrap(fileApi.GET("/trash")).then((r) => r.files);
export const restoreFromTrash = (id: string) =>
  unwrap(fileApi.POST("/trash/{id}/restore", { params: { path: { id } } }));
export const purgeFromTrash = (id: string) => unwrap(fileApi.DELETE("/trash/{id}", { params: { path: { id } } }));
