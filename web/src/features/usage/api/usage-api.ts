import { fileApi, unwrap } from "@/lib/api/clients";

export const getUsage = () => unwrap(fileApi.GET("/usage"));
