import { useEffect, useState, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ServiceUnavailable } from "@/components/service-unavailable";
import type { ApiError } from "@/lib/api/errors";
import { isUnavailable } from "@/lib/api/errors";
import { renewAccessToken } from "./session";
import { useSession } from "./use-session";

/**
 * Renders its children for a signed-in person. On first load the session is restored from the
 * refresh cookie; without one the person goes to sign-in, and comes back here afterwards.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const [failure, setFailure] = useState<unknown>();

  useEffect(() => {
    if (session.status === "unknown") renewAccessToken().catch(setFailure);
  }, [session.status]);

  if (failure !== undefined && isUnavailable(failure))
    return <ServiceUnavailable status={(failure as ApiError).status || undefined} />;
  if (session.status === "signed-in") return children;
  if (session.status === "unknown" && failure === undefined)
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  const next = location.pathname + location.search;
  return <Navigate to={`/sign-in${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`} replace />;
}
