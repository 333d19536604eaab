import Type from "typebox";

/** Field schemas shared by the routes: every body is validated before any query sees it. */
/** An address; surrounding spaces are allowed here and trimmed (and the address lower-cased) by the service. */
export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: "^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$" });
export const Password = Type.String({ minLength: 10, maxLength: 128 });
// Something visible, and no control characters (NUL, line breaks): the name goes into mail headers and greetings.
export const DisplayName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: "^[^\\x00-\\x1f\\x7f]*[^\\s\\x00-\\x1f\\x7f][^\\x00-\\x1f\\x7f]*$",
});
export const Locale = Type.String({ pattern: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", maxLength: 35 });
export const Secret = Type.String({ minLength: 10, maxLength: 200 });

export const CustomerResponse = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  locale: Type.String(),
  roles: Type.Array(Type.String()),
  emailVerified: Type.Boolean(),
  createdAt: Type.String({ format: "date-time" }),
});

export const TokensResponse = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal("Bearer"),
  expiresIn: Type.Integer(),
  refreshToken: Type.String(),
});

export const Accepted = Type.Object({ message: Type.String() });

export const RetryAfter = Type.Integer({ description: "Seconds to wait before trying again" });
