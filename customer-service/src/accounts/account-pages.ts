import formbody from "@fastify/formbody";
import {
  createOriginCheck,
  documentOnly,
  pageLocale,
  sendPage,
  setPageErrorHandler,
  type PageRenderer,
} from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import Type, { type TSchema } from "typebox";
import Value from "typebox/value";
import { AppError, errorResponses } from "../errors.js";
import { requestContext as ctx } from "../outgoing-events.js";
import { Email, Password } from "../schemas.js";
import * as accounts from "./account-service.js";
import { MAIL_ROUTE_RATE_LIMIT } from "./mail-allowance.js";

/**
 * The pages the account mails link to, for people with a browser (JavaScript not needed):
 * confirming an address, asking for a reset link, choosing a new password. Opening a page changes
 * nothing (mail scanners open links); only its form, posted from our own origin, does — through
 * the same use-cases as the API's /auth routes.
 */
export type AccountPagesOptions = {
  deps: accounts.AccountDeps;
  pages: PageRenderer;
  publicBaseUrl: string;
};

const pagesTag = { tags: ["pages"] };
const Html = Type.String({ description: "An HTML page; works without JavaScript" });
const page = (description: string) => ({ description, content: { "text/html": Html } });
const LinkQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });
// Lengths are checked by the handler, so a wrong one is told next to its field, not as a bare 400.
const TokenField = Type.String({ maxLength: 200 });
const EmailField = Type.String({ maxLength: 1000 });
const PasswordField = Type.String({ maxLength: 4096 });
const VerifyForm = Type.Object({ token: TokenField, password: PasswordField });
const EmailForm = Type.Object({ email: EmailField });
const ResetForm = Type.Object({ token: TokenField, newPassword: PasswordField, confirmPassword: PasswordField });
const formBody = (schema: TSchema) => ({ "application/x-www-form-urlencoded": schema });
const PASSWORD_LIMITS = Password as unknown as { minLength: number; maxLength: number };

/** The API's rule for a password (its schema, counted in characters as the schema check does), as a message key. */
function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_LIMITS.minLength) return "errors.passwordTooShort";
  if (length > PASSWORD_LIMITS.maxLength) return "errors.passwordTooLong";
  return undefined;
}
const SEE_API = (operation: string) => `The page's form does what ${operation} does for API clients.`;

const isInvalidToken = (error: unknown) => error instanceof AppError && error.code === "INVALID_TOKEN";

export const accountPages: FastifyPluginAsyncTypebox<AccountPagesOptions> = async (app, opts) => {
  await app.register(formbody);
  setPageErrorHandler(app, opts.pages);
  const sameSite = createOriginCheck(opts.publicBaseUrl, opts.pages);
  const show = (
    reply: FastifyReply,
    request: FastifyRequest,
    status: number,
    name: string,
    values: Record<string, unknown> = {},
    accountLocale?: string | null,
  ) => sendPage(reply, status, opts.pages.render(name, pageLocale(request, accountLocale), values));

  app.get(
    "/verify-email",
    {
      config: documentOnly({
        responses: {
          200: page("The link is good: one button, Confirm my address (a form post); nothing is confirmed yet"),
          400: page("The link is used, expired or made up: a form to send a new one"),
        },
      }),
      schema: {
        ...pagesTag,
        summary: "The verification link of the mail: a page that confirms the address only when its button is pressed",
        description: SEE_API("POST /auth/verify-email"),
        querystring: LinkQuery,
        response: errorResponses("VALIDATION_FAILED"),
      },
    },
    async (request, reply) => {
      const { token } = request.query;
      const locale = token ? await accounts.linkHolderLocale(opts.deps, "verification", token) : null;
      if (!locale) return show(reply, request, 400, "verify-email-invalid");
      return show(reply, request, 200, "verify-email", { token }, locale);
    },
  );

  app.post(
    "/verify-email",
    {
      preHandler: sameSite,
      config: documentOnly({
        body: formBody(VerifyForm),
        responses: {
          200: page("The address is confirmed"),
          400: page("The link is used, expired or made up: a form to send a new one"),
          401: page("Not the password the address was registered with: the form again, the error next to the field"),
          403: page("The form was posted from another site"),
        },
      }),
      schema: {
        ...pagesTag,
        summary: "The verification page's button: confirms the address",
        description: SEE_API("POST /auth/verify-email"),
        body: VerifyForm,
        response: errorResponses("VALIDATION_FAILED"),
      },
    },
    async (request, reply) => {
      const { token, password } = request.body;
      const locale = await accounts.linkHolderLocale(opts.deps, "verification", token);
      try {
        await accounts.verifyEmail(opts.deps, { token, password }, ctx(request));
      } catch (error) {
        if (isInvalidToken(error)) return show(reply, request, 400, "verify-email-invalid");
        // The password proves the person confirming is the one who registered (account pre-hijacking).
        if (error instanceof AppError && error.code === "INVALID_PASSWORD") {
          return show(
            reply,
            request,
            401,
            "verify-email",
            { token, errors: { password: "errors.wrongPassword" } },
            locale,
          );
        }
        throw error;
      }
      return show(reply, request, 200, "verify-email-done", {}, locale);
    },
  );

  app.post(
    "/verify-email/resend",
    {
      preHandler: sameSite,
      config: {
        ...MAIL_ROUTE_RATE_LIMIT,
        ...documentOnly({
          body: formBody(EmailForm),
          responses: {
            202: page(
              "The same answer whether or not the address has an account waiting: a new link may be on its way",
            ),
            400: page("The address is malformed: the form again, the error next to the field"),
            403: page("The form was posted from another site"),
            429: page("Too many requests from this address"),
          },
        }),
      },
      schema: {
        ...pagesTag,
        summary: "The used-or-expired page's form: sends a new verification link",
        description: SEE_API("POST /auth/verify-email/resend"),
        body: EmailForm,
        response: errorResponses("VALIDATION_FAILED", "RATE_LIMITED"),
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      if (!Value.Check(Email, email)) {
        return show(reply, request, 400, "verify-email-invalid", {
          values: { email },
          errors: { email: "errors.email" },
        });
      }
      await accounts.resendVerification(opts.deps, email, ctx(request));
      return show(reply, request, 202, "verify-email-resent");
    },
  );

  app.get(
    "/forgot-password",
    {
      config: documentOnly({ responses: { 200: page("A form for the address of the account") } }),
      schema: {
        ...pagesTag,
        summary: "The forgotten-password page: asks for the address to mail a reset link to",
        description: SEE_API("POST /auth/password/forgot"),
      },
    },
    async (request, reply) => show(reply, request, 200, "forgot-password"),
  );

  app.post(
    "/forgot-password",
    {
      preHandler: sameSite,
      config: {
        ...MAIL_ROUTE_RATE_LIMIT,
        ...documentOnly({
          body: formBody(EmailForm),
          responses: {
            202: page("The same answer whether or not the address has an account: a reset link may be on its way"),
            400: page("The address is malformed: the form again, the error next to the field"),
            403: page("The form was posted from another site"),
            429: page("Too many requests from this address"),
          },
        }),
      },
      schema: {
        ...pagesTag,
        summary: "The forgotten-password form: mails a reset link, if the address belongs to an account",
        description: SEE_API("POST /auth/password/forgot"),
        body: EmailForm,
        response: errorResponses("VALIDATION_FAILED", "RATE_LIMITED"),
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      if (!Value.Check(Email, email)) {
        return show(reply, request, 400, "forgot-password", { values: { email }, errors: { email: "errors.email" } });
      }
      // As the API does: answer first, so the time of the answer does not tell whether the account exists.
      setImmediate(() => {
        accounts
          .requestPasswordReset(opts.deps, email, ctx(request))
          .catch((err: unknown) => request.log.error({ err }, "password reset request failed"));
      });
      return show(reply, request, 202, "forgot-password-sent");
    },
  );

  app.get(
    "/reset-password",
    {
      config: documentOnly({
        responses: {
          200: page("The link is good: the new password twice, the rules shown"),
          400: page("The link is used, expired or made up: a way to ask for a new one"),
        },
      }),
      schema: {
        ...pagesTag,
        summary: "The reset link of the mail: a form to choose a new password",
        description: SEE_API("POST /auth/password/reset"),
        querystring: LinkQuery,
        response: errorResponses("VALIDATION_FAILED"),
      },
    },
    async (request, reply) => {
      const { token } = request.query;
      const locale = token ? await accounts.linkHolderLocale(opts.deps, "passwordReset", token) : null;
      if (!locale) return show(reply, request, 400, "reset-password-invalid");
      return show(reply, request, 200, "reset-password", { token, limits: PASSWORD_LIMITS }, locale);
    },
  );

  app.post(
    "/reset-password",
    {
      preHandler: sameSite,
      config: documentOnly({
        body: formBody(ResetForm),
        responses: {
          200: page("The password is changed and every session ended"),
          400: page(
            "A password breaks a rule or the two differ (the form again, each error next to its field); or the link is used or expired",
          ),
          403: page("The form was posted from another site"),
        },
      }),
      schema: {
        ...pagesTag,
        summary: "The reset form: sets the new password; every session ends",
        description: SEE_API("POST /auth/password/reset"),
        body: ResetForm,
        response: errorResponses("VALIDATION_FAILED"),
      },
    },
    async (request, reply) => {
      const { token, newPassword, confirmPassword } = request.body;
      const locale = await accounts.linkHolderLocale(opts.deps, "passwordReset", token);
      if (!locale) return show(reply, request, 400, "reset-password-invalid");
      const tooShortOrLong = passwordProblem(newPassword);
      const errors = {
        newPassword: tooShortOrLong,
        confirmPassword: !tooShortOrLong && confirmPassword !== newPassword ? "errors.passwordsDiffer" : undefined,
      };
      if (errors.newPassword || errors.confirmPassword) {
        return show(reply, request, 400, "reset-password", { token, errors, limits: PASSWORD_LIMITS }, locale);
      }
      try {
        await accounts.resetPassword(opts.deps, { token, newPassword }, ctx(request));
      } catch (error) {
        if (isInvalidToken(error)) return show(reply, request, 400, "reset-password-invalid", {}, locale);
        throw error;
      }
      return show(reply, request, 200, "reset-password-done", {}, locale);
    },
  );
};
