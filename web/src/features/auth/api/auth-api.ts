import { customerApi, unwrap } from "@/lib/api/clients";
import { endSession, startSession } from "@/lib/auth/session";

export async function signIn(input: { email: string; password: string }): Promise<void> {
  // The refresh token also comes in the body; it is left there: the HttpOnly cookie carries it.
  const { accessToken } = await unwrap(customerApi.POST("/auth/login", { body: input, credentials: "include" }));
  startSession(accessToken);
}

export async function signUp(input: { email: string; password: string; displayName: string }): Promise<void> {
  await unwrap(customerApi.POST("/auth/register", { body: input }));
}

/** Ends the session on the server (its refresh cookie) and in this tab. */
export async function signOut(): Promise<void> {
  try {
    await unwrap(customerApi.POST("/auth/logout", { credentials: "include" }));
  } finally {
    endSession();
  }
}
