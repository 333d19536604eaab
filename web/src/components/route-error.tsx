import { isRouteErrorResponse, useRouteError } from "react-router";
import type { ApiError } from "../lib/api/errors";
import { describeError, isUnavailable } from "../lib/api/errors";
import { NotFound } from "./not-found";
import { ServiceUnavailable } from "./service-unavailable";

/** What a route shows instead of a blank screen when it fails. */
export function RouteError() {
  const error = useRouteError();
  if (isUnavailable(error)) return <ServiceUnavailable status={(error as ApiError).status || undefined} />;
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  return (
    <section className="panel" role="alert">
      <h1>Something went wrong</h1>
      <p>{describeError(error)}</p>
      <button type="button" className="button" onClick={() => location.reload()}>
        Reload
      </button>
    </section>
  );
}
