// Generated from file-service's OpenAPI document by `npm run generate -w web`. Do not edit.

export interface paths {
  "/admin/customers/{id}/quota": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A customer's usage and storage quota */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              usedBytes: number;
              quotaBytes: number;
              fileCount: number;
              trashBytes: number;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FORBIDDEN" | "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "CUSTOMER_NOT_FOUND";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    /** Set a customer's storage quota */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            quotaBytes: number;
          };
        };
      };
      responses: {
        /** @description No Content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FORBIDDEN" | "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "CUSTOMER_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/downloads/{ticket}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Download what a download ticket names (Range, If-None-Match), as an attachment */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file */
          range?: string;
          /** @description The ETag the client holds: 304 while it matches */
          "if-none-match"?: string;
          /** @description A resume's ETag: the range is served only of that version, else the whole file */
          "if-range"?: string;
        };
        path: {
          ticket: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The content, with the file's own Content-Type */
        200: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description The requested range of the content */
        206: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            /** @description bytes start-end/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description Not modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DOWNLOAD_TICKET_NOT_FOUND" | "FILE_NOT_FOUND" | "VERSION_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Gone */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DOWNLOAD_TICKET_EXPIRED";
              message: string;
            };
          };
        };
        /** @description Range Not Satisfiable */
        416: {
          headers: {
            /** @description bytes *\/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RANGE_NOT_SATISFIABLE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "STORAGE_UNAVAILABLE" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    /** A ticket download's headers without its content */
    head: {
      parameters: {
        query?: never;
        header?: {
          /** @description One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file */
          range?: string;
          /** @description The ETag the client holds: 304 while it matches */
          "if-none-match"?: string;
          /** @description A resume's ETag: the range is served only of that version, else the whole file */
          "if-range"?: string;
        };
        path: {
          ticket: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The content, with the file's own Content-Type */
        200: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description The requested range of the content */
        206: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            /** @description bytes start-end/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Not modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DOWNLOAD_TICKET_NOT_FOUND" | "FILE_NOT_FOUND" | "VERSION_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Gone */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DOWNLOAD_TICKET_EXPIRED";
              message: string;
            };
          };
        };
        /** @description Range Not Satisfiable */
        416: {
          headers: {
            /** @description bytes *\/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RANGE_NOT_SATISFIABLE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    patch?: never;
    trace?: never;
  };
  "/files": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Files of a folder, or found by name anywhere, a sorted page at a time */
    get: {
      parameters: {
        query: {
          folderId?: string;
          q?: string;
          sort: "name" | "size" | "updatedAt";
          order: "asc" | "desc";
          cursor?: string;
          limit: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              files: {
                id: string;
                folderId: string;
                name: string;
                size: number;
                contentType: string;
                sha256: string;
                version: number;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_CURSOR";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    /** Upload a file (a new version when the name exists in the folder), streamed as multipart/form-data */
    post: {
      parameters: {
        query?: {
          folderId?: string;
        };
        header?: {
          /** @description The content's SHA-256, 64 hex digits: a mismatch stores nothing */
          "x-checksum-sha256"?: string;
          /** @description Or the same as sha-256=:base64: */
          "repr-digest"?: string;
          /** @description The file's exact size in bytes: it then streams to storage as it arrives, unbuffered; another size stores nothing */
          "x-file-size"?: number;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "multipart/form-data": {
            /**
             * Format: binary
             * @description The file; the part's filename and Content-Type become the file's name and type
             */
            file: string;
          };
        };
      };
      responses: {
        /** @description Created */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              folderId: string;
              name: string;
              size: number;
              contentType: string;
              sha256: string;
              version: number;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code:
                | "VALIDATION_FAILED"
                | "FILE_REQUIRED"
                | "INVALID_MULTIPART"
                | "INVALID_CHECKSUM"
                | "INVALID_FILE_SIZE"
                | "INVALID_NAME"
                | "CHECKSUM_MISMATCH"
                | "SIZE_MISMATCH";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FOLDER_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Request Timeout */
        408: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOAD_TIMEOUT";
              message: string;
            };
          };
        };
        /** @description Payload Too Large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_TOO_LARGE" | "QUOTA_EXCEEDED" | "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        /** @description Too Many Requests */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "TOO_MANY_UPLOADS";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "STORAGE_UNAVAILABLE" | "UPLOADS_BUSY" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/files/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A file */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              folderId: string;
              name: string;
              size: number;
              contentType: string;
              sha256: string;
              version: number;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Move a file to the trash */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description No Content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Rename a file or move it to another folder */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            name?: string;
            /** Format: uuid */
            folderId?: string;
          };
        };
      };
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              folderId: string;
              name: string;
              size: number;
              contentType: string;
              sha256: string;
              version: number;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_NAME";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND" | "FOLDER_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Conflict */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "NAME_TAKEN";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  "/files/{id}/content": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Download a file's current content (Range, If-None-Match) */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file */
          range?: string;
          /** @description The ETag the client holds: 304 while it matches */
          "if-none-match"?: string;
          /** @description A resume's ETag: the range is served only of that version, else the whole file */
          "if-range"?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The content, with the file's own Content-Type */
        200: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description The requested range of the content */
        206: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            /** @description bytes start-end/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description Where the deployment redirects owners' downloads (OWNER_DOWNLOAD_REDIRECT): a presigned URL of the content, valid for minutes, that answers Range itself; not for a request with If-Range */
        302: {
          headers: {
            location?: string;
            "cache-control"?: "no-store";
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Not modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND" | "VERSION_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Range Not Satisfiable */
        416: {
          headers: {
            /** @description bytes *\/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RANGE_NOT_SATISFIABLE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "STORAGE_UNAVAILABLE" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    /** A download's headers without its content */
    head: {
      parameters: {
        query?: never;
        header?: {
          /** @description One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file */
          range?: string;
          /** @description The ETag the client holds: 304 while it matches */
          "if-none-match"?: string;
          /** @description A resume's ETag: the range is served only of that version, else the whole file */
          "if-range"?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The content, with the file's own Content-Type */
        200: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description The requested range of the content */
        206: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            /** @description bytes start-end/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Not modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND" | "VERSION_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Range Not Satisfiable */
        416: {
          headers: {
            /** @description bytes *\/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RANGE_NOT_SATISFIABLE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    patch?: never;
    trace?: never;
  };
  "/files/{id}/download-ticket": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A link that downloads the file (or one version) without a token, for 60 s: a native browser download */
    post: {
      parameters: {
        query?: {
          /** @description The current version when absent */
          version?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Created */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @description GET it (Range, If-None-Match) until expiresAt, as often as needed */
              url: string;
              /** Format: date-time */
              expiresAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND" | "VERSION_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/files/{id}/shares": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Share a file by link, optionally with a password, a download limit and recipients to mail; links and recipients are limited per customer */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /** Format: date-time */
            expiresAt?: string;
            password?: string;
            maxDownloads?: number;
            recipients?: string[];
          };
        };
      };
      responses: {
        /** @description Created */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              url: string;
              /** Format: date-time */
              expiresAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "SHARE_EXPIRY_IN_PAST" | "SHARE_EXPIRY_TOO_LATE" | "TOO_MANY_RECIPIENTS";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        /** @description Too Many Requests */
        429: {
          headers: {
            /** @description Seconds to wait */
            "retry-after"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_RATE_LIMITED" | "RECIPIENT_LIMIT_REACHED";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/files/{id}/versions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A file's versions, newest kept first */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              versions: {
                version: number;
                size: number;
                contentType: string;
                sha256: string;
                createdAt: string;
              }[];
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/files/{id}/versions/{n}/content": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Download one version's content (Range, If-None-Match) */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file */
          range?: string;
          /** @description The ETag the client holds: 304 while it matches */
          "if-none-match"?: string;
          /** @description A resume's ETag: the range is served only of that version, else the whole file */
          "if-range"?: string;
        };
        path: {
          id: string;
          n: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The content, with the file's own Content-Type */
        200: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description The requested range of the content */
        206: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            /** @description bytes start-end/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description Where the deployment redirects owners' downloads (OWNER_DOWNLOAD_REDIRECT): a presigned URL of the content, valid for minutes, that answers Range itself; not for a request with If-Range */
        302: {
          headers: {
            location?: string;
            "cache-control"?: "no-store";
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Not modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND" | "VERSION_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Range Not Satisfiable */
        416: {
          headers: {
            /** @description bytes *\/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RANGE_NOT_SATISFIABLE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "STORAGE_UNAVAILABLE" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/files/{id}/versions/{n}/restore": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Make an old version current again, as a new version */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          n: number;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Created */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              folderId: string;
              name: string;
              size: number;
              contentType: string;
              sha256: string;
              version: number;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FILE_NOT_FOUND" | "VERSION_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Payload Too Large */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "QUOTA_EXCEEDED" | "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "STORAGE_UNAVAILABLE" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/files/uploads": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a resumable upload (tus creation, creation-with-upload) */
    post: {
      parameters: {
        query?: never;
        header: {
          /** @description The tus version, required on every request but OPTIONS */
          "tus-resumable": "1.0.0";
          /** @description The file's size; deferred lengths are refused */
          "upload-length": number;
          /** @description Comma-separated `key base64(value)`: filename (required), filetype, folderId (default: root), sha256 (hex, checked on completion) */
          "upload-metadata": string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          "application/offset+octet-stream": string;
        };
      };
      responses: {
        /** @description Created; the length is reserved against the quota. With a first chunk as the body, its offset */
        201: {
          headers: {
            /** @description The upload's URL, relative: /files/uploads/{id} */
            location?: string;
            /** @description Bytes received so far */
            "upload-offset"?: number;
            /** @description When an unfinished upload is abandoned (24 h after creation) */
            "upload-expires"?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Upload-Length or Upload-Metadata missing or malformed */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "INVALID_UPLOAD_URL" | "VALIDATION_FAILED";
              message: string;
            };
            "text/plain":
              | {
                  /**
                   * @description Stable error code
                   * @enum {unknown}
                   */
                  code: "LENGTH_REQUIRED" | "INVALID_NAME" | "INVALID_CHECKSUM";
                  message: string;
                }
              | string;
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description The folder of metadata folderId does not exist */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain":
              | {
                  /**
                   * @description Stable error code
                   * @enum {unknown}
                   */
                  code: "FOLDER_NOT_FOUND";
                  message: string;
                }
              | string;
          };
        };
        /** @description Tus-Resumable is missing */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description Larger than the size limit, or than the quota left */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain":
              | {
                  /**
                   * @description Stable error code
                   * @enum {unknown}
                   */
                  code: "QUOTA_EXCEEDED";
                  message: string;
                }
              | string;
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        /** @description Too Many Requests */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "TOO_MANY_UPLOADS";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOADS_BUSY" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    /** The tus capabilities */
    options: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description What the server supports */
        204: {
          headers: {
            "tus-version"?: "1.0.0";
            /** @description creation,creation-with-upload,creation-defer-length,termination,expiration */
            "tus-extension"?: string;
            /** @description The largest file accepted, in bytes */
            "tus-max-size"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "INVALID_UPLOAD_URL";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/files/uploads/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Abandon an upload (tus termination) */
    delete: {
      parameters: {
        query?: never;
        header: {
          /** @description The tus version, required on every request but OPTIONS */
          "tus-resumable": "1.0.0";
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Abandoned; the reservation is given back */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description A tus header is malformed */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_UPLOAD_URL";
              message: string;
            };
            "text/plain": string;
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description No such upload, or not this customer's */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOAD_NOT_FOUND";
              message: string;
            };
            "text/plain": string;
          };
        };
        /** @description The upload expired */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description Tus-Resumable is missing */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        /** @description Another request held the upload for too long; resume from its offset (HEAD) */
        423: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain":
              | {
                  /**
                   * @description Stable error code
                   * @enum {unknown}
                   */
                  code: "UPLOAD_LOCKED";
                  message: string;
                }
              | string;
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    /** The tus capabilities */
    options: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description What the server supports */
        204: {
          headers: {
            "tus-version"?: "1.0.0";
            /** @description creation,creation-with-upload,creation-defer-length,termination,expiration */
            "tus-extension"?: string;
            /** @description The largest file accepted, in bytes */
            "tus-max-size"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_UPLOAD_URL";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOAD_NOT_FOUND";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    /** The upload's offset, to resume it */
    head: {
      parameters: {
        query?: never;
        header: {
          /** @description The tus version, required on every request but OPTIONS */
          "tus-resumable": "1.0.0";
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Where to resume */
        200: {
          headers: {
            /** @description Bytes received so far */
            "upload-offset"?: number;
            "upload-length"?: number;
            /** @description Comma-separated `key base64(value)`: filename (required), filetype, folderId (default: root), sha256 (hex, checked on completion) */
            "upload-metadata"?: string;
            "cache-control"?: "no-store";
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description A tus header is malformed */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_UPLOAD_URL";
              message: string;
            };
            "text/plain": string;
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description No such upload, or not this customer's */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOAD_NOT_FOUND";
              message: string;
            };
            "text/plain": string;
          };
        };
        /** @description The upload expired */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description Tus-Resumable is missing */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description Another request held the upload for too long; resume from its offset (HEAD) */
        423: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain":
              | {
                  /**
                   * @description Stable error code
                   * @enum {unknown}
                   */
                  code: "UPLOAD_LOCKED";
                  message: string;
                }
              | string;
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    /** Send the next chunk */
    patch: {
      parameters: {
        query?: never;
        header: {
          /** @description The tus version, required on every request but OPTIONS */
          "tus-resumable": "1.0.0";
          /** @description Where this chunk starts: the offset HEAD gave */
          "upload-offset": number;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/offset+octet-stream": string;
        };
      };
      responses: {
        /** @description The chunk is stored. After the last one the file is completed in the background */
        204: {
          headers: {
            /** @description Bytes received so far */
            "upload-offset"?: number;
            /** @description When an unfinished upload is abandoned (24 h after creation) */
            "upload-expires"?: string;
            /** @description After the last chunk: the URL of its status */
            "coffer-upload-status"?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description A tus header is malformed */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_UPLOAD_URL";
              message: string;
            };
            "text/plain": string;
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Upload-Offset or Content-Type is missing */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
            "text/plain": string;
          };
        };
        /** @description No such upload, or not this customer's */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOAD_NOT_FOUND";
              message: string;
            };
            "text/plain": string;
          };
        };
        /** @description Upload-Offset is not the upload's offset */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description The upload expired */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description Tus-Resumable is missing */
        412: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
          };
        };
        /** @description The chunk goes past Upload-Length */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain": string;
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        /** @description Another request held the upload for too long; resume from its offset (HEAD) */
        423: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/plain":
              | {
                  /**
                   * @description Stable error code
                   * @enum {unknown}
                   */
                  code: "UPLOAD_LOCKED";
                  message: string;
                }
              | string;
          };
        };
        /** @description Too Many Requests */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "TOO_MANY_UPLOADS";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOADS_BUSY" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  "/files/uploads/{id}/status": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether a finished upload became a file, or why not */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /** @enum {unknown} */
              state: "uploading" | "processing" | "done" | "failed";
              file?: {
                id: string;
                folderId: string;
                name: string;
                size: number;
                contentType: string;
                sha256: string;
                version: number;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
              };
              /** @description Why it failed: CHECKSUM_MISMATCH, EXPIRED */
              errorCode?: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UPLOAD_NOT_FOUND";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/folders": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a folder (in the root when no parent is given) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            name: string;
            /** Format: uuid */
            parentId?: string;
          };
        };
      };
      responses: {
        /** @description Created */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              parentId: string | null;
              name: string;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_NAME";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FOLDER_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Conflict */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "NAME_TAKEN";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/folders/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A folder (or root) with its subfolders and a sorted page of its files */
    get: {
      parameters: {
        query: {
          sort: "name" | "size" | "updatedAt";
          order: "asc" | "desc";
          cursor?: string;
          limit: number;
        };
        header?: never;
        path: {
          id: string | "root";
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              folder: {
                id: string;
                parentId: string | null;
                name: string;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
              };
              folders: {
                id: string;
                parentId: string | null;
                name: string;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              files: {
                id: string;
                folderId: string;
                name: string;
                size: number;
                contentType: string;
                sha256: string;
                version: number;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_CURSOR";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FOLDER_NOT_FOUND";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Move a folder and everything under it to the trash */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description No Content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FOLDER_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Conflict */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ROOT_FOLDER";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Rename a folder or move it under another */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            name?: string;
            /** Format: uuid */
            parentId?: string;
          };
        };
      };
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              parentId: string | null;
              name: string;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED" | "INVALID_NAME";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FOLDER_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description Conflict */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "NAME_TAKEN" | "FOLDER_CYCLE" | "ROOT_FOLDER";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  "/folders/{id}/archive": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Download a folder (or root) as a zip */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string | "root";
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A zip of the folder and its subfolders' current files, streamed as it is built (zip64 past 4 GiB) */
        200: {
          headers: {
            /** @description attachment; <folder name>.zip */
            "content-disposition"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/zip": string;
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "FOLDER_NOT_FOUND";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/s/{token}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What a share link holds, before downloading; a browser gets the link's page */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          token: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              fileName: string;
              size: number;
              contentType: string;
              /** Format: date-time */
              expiresAt: string;
              passwordRequired: boolean;
              downloadsLeft: number | null;
            };
            "text/html": string;
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_NOT_FOUND";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Gone */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_REVOKED" | "SHARE_EXPIRED" | "SHARE_EXHAUSTED" | "SHARE_UNAVAILABLE";
              message: string;
            };
            "text/html": string;
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/s/{token}/content": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Download a shared file (Range, If-Range, If-None-Match); downloads count by the bytes served, so a resumed one counts once */
    get: {
      parameters: {
        query?: never;
        header?: {
          /** @description One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file */
          range?: string;
          /** @description The ETag the client holds: 304 while it matches */
          "if-none-match"?: string;
          /** @description A resume's ETag: the range is served only of that version, else the whole file */
          "if-range"?: string;
          /** @description The grant of POST /s/{token}/unlock, for a password (or its coffer_share_grant cookie) */
          "x-share-grant"?: string;
        };
        path: {
          token: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The content, with the file's own Content-Type */
        200: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description The requested range of the content */
        206: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            /** @description bytes start-end/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "*/*": string;
          };
        };
        /** @description Not modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_PASSWORD_REQUIRED";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_NOT_FOUND";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Gone */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_REVOKED" | "SHARE_EXPIRED" | "SHARE_EXHAUSTED" | "SHARE_UNAVAILABLE";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Range Not Satisfiable */
        416: {
          headers: {
            /** @description bytes *\/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RANGE_NOT_SATISFIABLE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "STORAGE_UNAVAILABLE" | "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
            "text/html": string;
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    /** A shared download's headers without its content; not counted */
    head: {
      parameters: {
        query?: never;
        header?: {
          /** @description One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file */
          range?: string;
          /** @description The ETag the client holds: 304 while it matches */
          "if-none-match"?: string;
          /** @description A resume's ETag: the range is served only of that version, else the whole file */
          "if-range"?: string;
          /** @description The grant of POST /s/{token}/unlock, for a password (or its coffer_share_grant cookie) */
          "x-share-grant"?: string;
        };
        path: {
          token: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The content, with the file's own Content-Type */
        200: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description The requested range of the content */
        206: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            "accept-ranges"?: "bytes";
            /** @description attachment, with the file's name in any language (RFC 6266) */
            "content-disposition"?: string;
            "content-length"?: number;
            /** @description bytes start-end/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Not modified: If-None-Match matches the ETag */
        304: {
          headers: {
            /** @description Strong, the content's SHA-256 in quotes */
            etag?: string;
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_PASSWORD_REQUIRED";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_NOT_FOUND";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Gone */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_REVOKED" | "SHARE_EXPIRED" | "SHARE_EXHAUSTED" | "SHARE_UNAVAILABLE";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Range Not Satisfiable */
        416: {
          headers: {
            /** @description bytes *\/size */
            "content-range"?: string;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RANGE_NOT_SATISFIABLE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    patch?: never;
    trace?: never;
  };
  "/s/{token}/unlock": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Trade a share's password for a grant good for 10 minutes (also its cookie); wrong ones are throttled. The link's page posts it as a form */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          token: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            password: string;
          };
          "application/x-www-form-urlencoded": {
            password: string;
          };
        };
      };
      responses: {
        /** @description OK */
        200: {
          headers: {
            /** @description coffer_share_grant: the grant, HttpOnly, SameSite=Lax, Path=/s/{token}, for the grant's lifetime (Secure on https) */
            "set-cookie"?: string;
            "cache-control"?: "no-store";
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              grant: string;
              expiresIn: number;
            };
          };
        };
        /** @description A browser's form: the grant as its cookie, and back to the link's page */
        303: {
          headers: {
            /** @description /s/{token} */
            location?: string;
            /** @description coffer_share_grant: the grant, HttpOnly, SameSite=Lax, Path=/s/{token}, for the grant's lifetime (Secure on https) */
            "set-cookie"?: string;
            "cache-control"?: "no-store";
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_WRONG_PASSWORD";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_NOT_FOUND";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description Gone */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_REVOKED" | "SHARE_EXPIRED" | "SHARE_EXHAUSTED" | "SHARE_UNAVAILABLE";
              message: string;
            };
            "text/html": string;
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        /** @description Too Many Requests */
        429: {
          headers: {
            /** @description Seconds to wait */
            "retry-after"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "TOO_MANY_ATTEMPTS";
              message: string;
            };
            "text/html": string;
          };
        };
        500: components["responses"]["InternalError"];
        /** @description Service Unavailable */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/shares": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The customer's live share links */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              shares: {
                id: string;
                fileId: string;
                /** Format: date-time */
                expiresAt: string;
                passwordProtected: boolean;
                maxDownloads: number | null;
                downloads: number;
                recipients: string[];
                /** Format: date-time */
                createdAt: string;
              }[];
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/shares/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke a share link */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description No Content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "SHARE_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/trash": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The files in the trash, most recently trashed first */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              files: {
                id: string;
                folderId: string;
                name: string;
                size: number;
                contentType: string;
                sha256: string;
                version: number;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
                /** Format: date-time */
                trashedAt: string;
                /**
                 * Format: date-time
                 * @description When its retention ends: the hourly sweep deletes it for good within the hour after
                 */
                purgeAt: string;
              }[];
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/trash/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Delete a trashed file for good, every version, and give its bytes back */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description No Content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "TRASH_ITEM_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/trash/{id}/restore": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Restore a file to its folder (or the root), renamed if its name is taken */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              id: string;
              folderId: string;
              name: string;
              size: number;
              contentType: string;
              sha256: string;
              version: number;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              updatedAt: string;
            };
          };
        };
        /** @description Bad Request */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "VALIDATION_FAILED";
              message: string;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        /** @description Not Found */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "TRASH_ITEM_NOT_FOUND";
              message: string;
            };
          };
        };
        /** @description The body is over the limit */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "PAYLOAD_TOO_LARGE";
              message: string;
            };
          };
        };
        /** @description The body's Content-Type is not one this operation reads */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNSUPPORTED_MEDIA_TYPE";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/usage": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Bytes used (every version and the trash), the quota, the file count */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description OK */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              usedBytes: number;
              quotaBytes: number;
              fileCount: number;
              trashBytes: number;
            };
          };
        };
        /** @description Unauthorized */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "UNAUTHORIZED" | "TOKEN_REVOKED";
              message: string;
            };
          };
        };
        /** @description Forbidden */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "ACCOUNT_DISABLED";
              message: string;
            };
          };
        };
        500: components["responses"]["InternalError"];
        /** @description A server this request needs is unreachable; try again */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "DEPENDENCY_UNAVAILABLE";
              message: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: {
    /** @description An unexpected failure; the cause is logged, never sent */
    InternalError: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": {
          /**
           * @description Stable error code
           * @enum {unknown}
           */
          code: "INTERNAL_ERROR";
          message: string;
        };
      };
    };
    /** @description The answer to any method and path this document does not list */
    RouteNotFound: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": {
          /**
           * @description Stable error code
           * @enum {unknown}
           */
          code: "ROUTE_NOT_FOUND";
          message: string;
        };
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
