// Generated from notification-service's OpenAPI document by `npm run generate -w web`. Do not edit.

export interface paths {
  "/admin/deliveries": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What was mailed, when, and why not, newest first */
    get: {
      parameters: {
        query: {
          customerId?: string;
          status?: "pending" | "sent" | "failed";
          /** @description The previous page's nextCursor */
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
              deliveries: {
                id: string;
                eventId: string;
                customerId: string | null;
                recipient: string;
                kind: string;
                status: string;
                attempts: number;
                lastError: string | null;
                resend: boolean;
                /** Format: date-time */
                createdAt: string;
                sentAt: string | null;
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
              code: "FORBIDDEN" | "ACCOUNT_DISABLED";
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
  "/notifications": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The inbox, newest first, a page at a time, with the unread count */
    get: {
      parameters: {
        query: {
          /** @description The previous page's nextCursor */
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
              items: {
                id: string;
                kind: string;
                category: string;
                title: string;
                body: string;
                link: string | null;
                /** Format: date-time */
                createdAt: string;
                read: boolean;
              }[];
              unread: number;
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
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/notifications/{id}/read": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mark an inbox item read */
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
              code: "NOTIFICATION_NOT_FOUND";
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
  "/notifications/preferences": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Which categories reach the customer (e-mail and inbox alike); security always does */
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
              shares: boolean;
              activity: boolean;
              storage: boolean;
              /** @enum {boolean} */
              security: true;
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
    /** Choose which categories reach the customer */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            shares: boolean;
            activity: boolean;
            storage: boolean;
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
              shares: boolean;
              activity: boolean;
              storage: boolean;
              /** @enum {boolean} */
              security: true;
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
  "/notifications/read-all": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mark every inbox item read */
    post: {
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
              updated: number;
            };
          };
        };
        /** @description The body is malformed or fails the schema */
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
  "/notifications/stream": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** New inbox items as they arrive (Server-Sent Events); Last-Event-ID replays what was missed */
    get: {
      parameters: {
        query?: never;
        header?: {
          "last-event-id"?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Server-Sent Events: each new inbox item as `event: notification`, `id:` its id, `data:` the item as JSON (the schema of GET /notifications items); a `: heartbeat` comment while idle; `retry: 3000` first. When the server ends the stream it says why last, as `event: end` with `data: {"reason": …}`: `token-expired` (reconnect with a fresh token), `session-revoked` (sign in again), `lease-lost` or `shutdown` (reconnect). */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/event-stream": string;
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
              code: "TOO_MANY_STREAMS";
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
              code: "STREAM_CAPACITY_REACHED" | "DEPENDENCY_UNAVAILABLE";
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
