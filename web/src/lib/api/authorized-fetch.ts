import { getAccessToken, renewAccessToken } from "../auth/session";
import { networkError } from "./errors";

/**
 * fetch with the access token; on a 401 the token is renewed once (single-flight) and the request
 * sent again. Every API call goes through it: the generated clients, downloads, the inbox stream.
 */
export async function authorizedFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await send(input, getAccessToken());
  if (response.status !== 401 || isAuthPath(input.url)) return response;
  const token = await renewAccessToken();
  return token === undefined ? response : send(retry, token);
}

async function send(request: Request, token: string | undefined): Promise<Response> {
  if (token !== undefined) request.headers.set("authorization", `Bearer ${token}`);
  return fetch(request).catch(() => {
    throw networkError();
  });
}

const isAuthPath = (url: string) => new URL(url).pathname.startsWith("/auth/");
