import type { DocumentedAnswer } from "@coffer/contracts/http";
import Type from "typebox";
import { Binary } from "../http.js";

/** What a download may ask: one byte range, and the ETag the client already holds. */
export const DownloadHeaders = Type.Object({
  range: Type.Optional(
    Type.String({
      description: "One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file",
    }),
  ),
  "if-none-match": Type.Optional(Type.String({ description: "The ETag the client holds: 304 while it matches" })),
  "if-range": Type.Optional(
    Type.String({ description: "A resume's ETag: the range is served only of that version, else the whole file" }),
  ),
});

const ETag = Type.String({ description: "Strong, the content's SHA-256 in quotes" });
const ContentHeaders = {
  etag: ETag,
  "accept-ranges": Type.Literal("bytes"),
  "content-disposition": Type.String({ description: "attachment, with the file's name in any language (RFC 6266)" }),
  "content-length": Type.Integer(),
};

const redirectAnswer: DocumentedAnswer = {
  description:
    "Where the deployment redirects owners' downloads (OWNER_DOWNLOAD_REDIRECT): a presigned URL of the content, " +
    "valid for minutes, that answers Range itself; not for a request with If-Range",
  headers: { location: Type.String(), "cache-control": Type.Literal("no-store") },
};

/** The answers a download streams itself: the content (none for HEAD), one range of it, or not modified. */
export function downloadAnswers({
  body,
  redirect = false,
}: {
  body: boolean;
  /** An owner's download, which the deployment may redirect to the store. */
  redirect?: boolean;
}): Record<number, DocumentedAnswer> {
  // The file's own type, whatever the uploader said it was.
  const content = body ? { content: { "*/*": Binary } } : {};
  const answers: Record<number, DocumentedAnswer> = {
    200: { description: "The content, with the file's own Content-Type", headers: ContentHeaders, ...content },
    206: {
      description: "The requested range of the content",
      headers: { ...ContentHeaders, "content-range": Type.String({ description: "bytes start-end/size" }) },
      ...content,
    },
    304: { description: "Not modified: If-None-Match matches the ETag", headers: { etag: ETag } },
    416: { headers: { "content-range": Type.String({ description: "bytes */size" }) } },
  };
  if (redirect) answers[302] = redirectAnswer;
  return answers;
}
