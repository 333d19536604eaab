import {
  AppError,
  pageLocale,
  prefersHtml,
  sendPage,
  type PageLocale,
  type PageRenderer,
} from "@coffer/contracts/http";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as shares from "./share-service.js";

type ShareView = Awaited<ReturnType<typeof shares.viewShare>>;

/** The page that says why a link no longer leads to its file, by the API's code. */
const GONE_PAGES: Readonly<Record<string, string>> = {
  SHARE_NOT_FOUND: "share-not-found",
  SHARE_EXPIRED: "share-expired",
  SHARE_REVOKED: "share-revoked",
  SHARE_EXHAUSTED: "share-exhausted",
  SHARE_UNAVAILABLE: "share-unavailable",
};

/** Refusals that send the visitor back to the password form, with this message beside the field. */
const PASSWORD_ERRORS: Readonly<Record<string, string>> = {
  PASSWORD_MISSING: "passwordMissing",
  SHARE_PASSWORD_REQUIRED: "passwordAgain",
  SHARE_WRONG_PASSWORD: "passwordWrong",
  TOO_MANY_ATTEMPTS: "passwordLocked",
};

const SIZE_UNITS = ["kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** "1.5 MB (1,572,864 bytes)", "1,5 Mo (1 572 864 octets)". */
export function formatSize(bytes: number, locale: PageLocale): string {
  const exact = new Intl.NumberFormat(locale, { style: "unit", unit: "byte", unitDisplay: "long" }).format(bytes);
  if (bytes < 1000) return exact;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const short = new Intl.NumberFormat(locale, {
    style: "unit",
    unit: SIZE_UNITS[unit],
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(value);
  return `${short} (${exact})`;
}

const formatDate = (iso: string, locale: PageLocale) =>
  `${new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso))} UTC`;

/**
 * The share link's pages: the file, who shared it (in their own words), the password form or
 * the Download link; and, for a browser, every refusal of the link's routes as a page with the
 * API's status. Other clients keep the JSON answers.
 */
export function createSharePages(deps: { shares: shares.ShareDeps; pages: PageRenderer; grantMinutes: number }) {
  function sendShare(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    token: string,
    view: ShareView,
    passwordError?: { message: string; retryAfter?: number },
  ): FastifyReply {
    const locale = pageLocale(request);
    const values = {
      ...view,
      token,
      size: formatSize(view.size, locale),
      expires: formatDate(view.expiresAt, locale),
      downloadsLeft: view.downloadsLeft === null ? undefined : new Intl.NumberFormat(locale).format(view.downloadsLeft),
      grantMinutes: deps.grantMinutes,
      passwordError: passwordError?.message,
      retryAfter: passwordError?.retryAfter,
    };
    return sendPage(reply, status, deps.pages.render("share", locale, values));
  }

  function sendGone(request: FastifyRequest, reply: FastifyReply, status: number, page: string): FastifyReply {
    return sendPage(reply, status, deps.pages.render("share-gone", pageLocale(request), {}, page));
  }

  /**
   * Installs the pages for the refusals of the routes registered in `app` (an encapsulated
   * plugin): gone links, the password form again, an incomplete link. Anything else goes to the
   * handler `app` inherited: the kit's error pages for a browser, JSON for every other client.
   */
  function handleErrors(app: FastifyInstance): void {
    const inherited = app.errorHandler;
    app.setErrorHandler(async function (error: FastifyError | AppError, request, reply) {
      if (!prefersHtml(request)) return inherited.call(this, error, request, reply);
      const { token } = request.params as { token?: string };
      const invalid = (error as FastifyError).validationContext;
      if (!token || invalid === "params") return sendGone(request, reply, 400, "share-invalid");
      const code = invalid === "body" ? "PASSWORD_MISSING" : error instanceof AppError ? error.code : undefined;
      const gone = code && GONE_PAGES[code];
      if (gone) return sendGone(request, reply, error.statusCode ?? 410, gone);
      const message = code && PASSWORD_ERRORS[code];
      if (!message) return inherited.call(this, error, request, reply);
      let view: ShareView;
      try {
        view = await shares.viewShare(deps.shares, token, undefined);
      } catch (viewError) {
        const page = viewError instanceof AppError && GONE_PAGES[viewError.code];
        if (page) return sendGone(request, reply, viewError.statusCode, page);
        return inherited.call(this, viewError as AppError, request, reply);
      }
      const retryAfter = error instanceof AppError ? error.retryAfterSeconds : undefined;
      if (retryAfter) reply.header("retry-after", String(retryAfter));
      return sendShare(request, reply, error.statusCode ?? 400, token, view, { message, retryAfter });
    });
  }

  return { sendShare, handleErrors };
}
