import createClient from "openapi-fetch";
import type { paths as CustomerPaths } from "./generated/customer-service";
import type { paths as FilePaths } from "./generated/file-service";
import type { paths as NotificationPaths } from "./generated/notification-service";
import { authorizedFetch } from "./authorized-fetch";
import { errorFrom } from "./errors";

// One origin with the API (through the gateway): paths are relative to the page's.
const options = { baseUrl: location.origin, fetch: authorizedFetch };

export const customerApi = createClient<CustomerPaths>(options);
export const fileApi = createClient<FilePaths>(options);
export const notificationApi = createClient<NotificationPaths>(options);

/** The data of a successful answer; an ApiError (code, message, status) otherwise. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorFrom(response, error);
  return data as T;
}
