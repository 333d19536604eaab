// Generated from customer-service's OpenAPI document by `npm run generate -w web`. Do not edit.

export interface paths {
  "/.well-known/jwks.json": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The public keys that verify access tokens (JWKS) */
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
              keys: {
                [key: string]: string;
              }[];
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
  "/admin/customers": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Customers in the order they registered, optionally by address prefix */
    get: {
      parameters: {
        query: {
          email?: string;
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
              customers: ({
                id: string;
                email: string;
                displayName: string;
                locale: string;
                roles: string[];
                emailVerified: boolean;
                /** Format: date-time */
                createdAt: string;
              } & {
                disabled: boolean;
              })[];
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
  "/admin/customers/{id}/disable": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Disable a customer: every session ends, logging in is refused */
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
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/admin/customers/{id}/enable": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Enable a disabled customer again */
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
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/auth/login": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Log in: an access token, and a refresh token (also as a cookie) */
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
            email: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description OK */
        200: {
          headers: {
            /** @description coffer_refresh: the refresh token, HttpOnly, Secure, SameSite=Strict, Path=/auth */
            "set-cookie"?: string;
            /** @description Tokens are never kept by a browser or proxy cache */
            "cache-control"?: "no-store";
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              accessToken: string;
              /** @enum {string} */
              tokenType: "Bearer";
              expiresIn: number;
              refreshToken: string;
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
              code: "INVALID_CREDENTIALS";
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
              code: "EMAIL_NOT_VERIFIED" | "ACCOUNT_DISABLED";
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
            /** @description Seconds to wait before trying again */
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
  "/auth/logout": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the session of the refresh token (body or cookie) and clear the cookie */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description Optional: the refresh token may come in its cookie instead */
      requestBody?: {
        content: {
          "application/json": {
            refreshToken?: string;
          };
        };
      };
      responses: {
        /** @description No Content */
        204: {
          headers: {
            /** @description Clears the refresh cookie */
            "set-cookie"?: string;
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
  "/auth/password/forgot": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mail a password reset link, if the address belongs to an account (one a minute, a few a day) */
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
            email: string;
          };
        };
      };
      responses: {
        /** @description Accepted */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              message: string;
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
            /** @description Seconds to wait before trying again */
            "retry-after"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RATE_LIMITED";
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
  "/auth/password/reset": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Set a new password with the token of a reset link; every session ends */
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
            token: string;
            newPassword: string;
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
              code: "VALIDATION_FAILED" | "INVALID_TOKEN";
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
  "/auth/refresh": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Trade the refresh token (body or cookie) for a new pair; a reused one revokes the session */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      /** @description Optional: the refresh token may come in its cookie instead */
      requestBody?: {
        content: {
          "application/json": {
            refreshToken?: string;
          };
        };
      };
      responses: {
        /** @description OK */
        200: {
          headers: {
            /** @description coffer_refresh: the refresh token, HttpOnly, Secure, SameSite=Strict, Path=/auth */
            "set-cookie"?: string;
            /** @description Tokens are never kept by a browser or proxy cache */
            "cache-control"?: "no-store";
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              accessToken: string;
              /** @enum {string} */
              tokenType: "Bearer";
              expiresIn: number;
              refreshToken: string;
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
              code: "INVALID_REFRESH_TOKEN" | "REFRESH_TOKEN_REUSED";
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
  "/auth/register": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Register; a verification link is mailed
     * @description The answer is the same whether or not the address has an account. A registration of an address never verified replaces it; for a verified account nothing changes and its owner is mailed a reset link. An address gets at most one such mail a minute and a few a day.
     */
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
            email: string;
            password: string;
            displayName: string;
            locale?: string;
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
              email: string;
              displayName: string;
              locale: string;
              roles: string[];
              emailVerified: boolean;
              /** Format: date-time */
              createdAt: string;
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
  "/auth/sessions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The customer's active sessions */
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
              sessions: {
                id: string;
                device: string;
                ip: string;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                lastUsedAt: string;
                current: boolean;
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
  "/auth/sessions/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** End one of the customer's sessions */
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
              code: "SESSION_NOT_FOUND";
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
  "/auth/verify-email": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Verify the e-mail address with the token of the link and the password chosen at registration */
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
            token: string;
            password: string;
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
              code: "VALIDATION_FAILED" | "INVALID_TOKEN";
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
              code: "INVALID_PASSWORD";
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
  "/auth/verify-email/resend": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send a new verification link, at most one a minute and a few a day */
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
            email: string;
          };
        };
      };
      responses: {
        /** @description Accepted */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              message: string;
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
            /** @description Seconds to wait before trying again */
            "retry-after"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              /**
               * @description Stable error code
               * @enum {unknown}
               */
              code: "RATE_LIMITED";
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
  "/customers/me": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The customer's own account */
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
              id: string;
              email: string;
              displayName: string;
              locale: string;
              roles: string[];
              emailVerified: boolean;
              /** Format: date-time */
              createdAt: string;
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
    /** Delete the account: personal data is erased, every session ends */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            password: string;
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
              code: "ACCOUNT_DISABLED" | "INVALID_PASSWORD";
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
    /** Change the display name or locale */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            displayName?: string;
            locale?: string;
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
              email: string;
              displayName: string;
              locale: string;
              roles: string[];
              emailVerified: boolean;
              /** Format: date-time */
              createdAt: string;
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
    trace?: never;
  };
  "/customers/me/password": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Change the password; every other session ends */
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
            currentPassword: string;
            newPassword: string;
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
              code: "ACCOUNT_DISABLED" | "INVALID_PASSWORD";
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
  "/forgot-password": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The forgotten-password page: asks for the address to mail a reset link to
     * @description The page's form does what POST /auth/password/forgot does for API clients.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A form for the address of the account */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
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
    /**
     * The forgotten-password form: mails a reset link, if the address belongs to an account
     * @description The page's form does what POST /auth/password/forgot does for API clients.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/x-www-form-urlencoded": {
            email: string;
          };
        };
      };
      responses: {
        /** @description The same answer whether or not the address has an account: a reset link may be on its way */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description The address is malformed: the form again, the error next to the field */
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
        /** @description The form was posted from another site */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
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
        /** @description Too many requests from this address */
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
              code: "RATE_LIMITED";
              message: string;
            };
            "text/html": string;
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
  "/reset-password": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The reset link of the mail: a form to choose a new password
     * @description The page's form does what POST /auth/password/reset does for API clients.
     */
    get: {
      parameters: {
        query?: {
          token?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The link is good: the new password twice, the rules shown */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description The link is used, expired or made up: a way to ask for a new one */
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
    /**
     * The reset form: sets the new password; every session ends
     * @description The page's form does what POST /auth/password/reset does for API clients.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/x-www-form-urlencoded": {
            token: string;
            newPassword: string;
            confirmPassword: string;
          };
        };
      };
      responses: {
        /** @description The password is changed and every session ended */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description A password breaks a rule or the two differ (the form again, each error next to its field); or the link is used or expired */
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
        /** @description The form was posted from another site */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
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
  "/verify-email": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The verification link of the mail: a page that confirms the address only when its button is pressed
     * @description The page's form does what POST /auth/verify-email does for API clients.
     */
    get: {
      parameters: {
        query?: {
          token?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The link is good: one button, Confirm my address (a form post); nothing is confirmed yet */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description The link is used, expired or made up: a form to send a new one */
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
    /**
     * The verification page's button: confirms the address
     * @description The page's form does what POST /auth/verify-email does for API clients.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/x-www-form-urlencoded": {
            token: string;
            password: string;
          };
        };
      };
      responses: {
        /** @description The address is confirmed */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description The link is used, expired or made up: a form to send a new one */
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
        /** @description Not the password the address was registered with: the form again, the error next to the field */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description The form was posted from another site */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
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
  "/verify-email/resend": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The used-or-expired page's form: sends a new verification link
     * @description The page's form does what POST /auth/verify-email/resend does for API clients.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/x-www-form-urlencoded": {
            email: string;
          };
        };
      };
      responses: {
        /** @description The same answer whether or not the address has an account waiting: a new link may be on its way */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "text/html": string;
          };
        };
        /** @description The address is malformed: the form again, the error next to the field */
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
        /** @description The form was posted from another site */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
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
        /** @description Too many requests from this address */
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
              code: "RATE_LIMITED";
              message: string;
            };
            "text/html": string;
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
