import type { PageRenderer } from "@coffer/contracts/http";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import type { Server } from "@tus/server";
import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import { downloadRoutes, ticketDownloadRoutes } from "./downloads/download-routes.js";
import type { TicketDeps } from "./downloads/ticket-service.js";
import { fileRoutes } from "./files/file-routes.js";
import { folderRoutes } from "./folders/folder-routes.js";
import { quotaRoutes } from "./quotas/quota-routes.js";
import type { QuotaDeps } from "./quotas/quota-service.js";
import type { ShareMetrics } from "./metrics/file-metrics.js";
import { publicShareRoutes, shareRoutes } from "./shares/share-routes.js";
import type { ShareDeps } from "./shares/share-service.js";
import type { FileStorage } from "./storage/file-storage.js";
import { trashRoutes } from "./trash/trash-routes.js";
import type { TrashDeps } from "./trash/trash-service.js";
import type { ResumableDeps } from "./uploads/resumable-uploads.js";
import { resumableRoutes } from "./uploads/resumable-routes.js";
import { uploadRoutes } from "./uploads/upload-routes.js";
import type { UploadDeps } from "./uploads/upload-service.js";

/** Every route of file-service, with what they are given: app.ts's and the web app's API generator's one list. */
export type RouteOptions = {
  deps: UploadDeps &
    ResumableDeps &
    TicketDeps &
    ShareDeps &
    TrashDeps &
    QuotaDeps & {
      storage: FileStorage;
      shareMetrics: ShareMetrics;
    };
  authenticate: preHandlerAsyncHookHandler;
  tus: Server;
  idleTimeoutMs: number;
  /** Called after each tus chunk: the last one queued its upload's completion. */
  onChunk: () => void;
  pages: PageRenderer;
};

export async function registerRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const { deps, authenticate, tus, idleTimeoutMs, onChunk, pages } = options;
  await app.register(cookie);
  await app.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 100 } });
  await app.register(uploadRoutes, { deps, authenticate, idleTimeoutMs });
  await app.register(resumableRoutes, { deps, tus, authenticate, idleTimeoutMs, onChunk });
  await app.register(fileRoutes, { deps, authenticate });
  await app.register(downloadRoutes, { deps, authenticate });
  await app.register(ticketDownloadRoutes, { deps });
  await app.register(folderRoutes, { deps, authenticate });
  await app.register(trashRoutes, { deps, authenticate });
  await app.register(quotaRoutes, { deps, authenticate });
  await app.register(shareRoutes, { deps, authenticate });
  await app.register(publicShareRoutes, { deps, pages });
}
