import { ErrorMessage } from "@/components/error-message";
import { useEndSession, useSessions, type Session } from "../api/account-api";

/** Where the person is signed in; any other session can be ended from here. */
export function SessionsList() {
  const sessions = useSessions();
  const end = useEndSession();
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p className="muted">Where you are signed in. End a session you do not recognise, then change your password.</p>
      <ErrorMessage error={sessions.error ?? end.error} />
      {sessions.data && (
        <ul className="cards" aria-label="Sessions">
          {sessions.data.sessions.map((session) => (
            <li className="card" key={session.id} aria-labelledby={`session-${session.id}`}>
              <h3 className="card-title" id={`session-${session.id}`}>
                {describeDevice(session.device)}
                {session.current && " (this browser)"}
              </h3>
              <p className="muted">
                From {session.ip}. Signed in <Time iso={session.createdAt} />, last active{" "}
                <Time iso={session.lastUsedAt} />.
              </p>
              {!session.current && (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  disabled={end.isPending}
                  aria-describedby={`session-${session.id}`}
                  onClick={() => end.mutate(session.id)}
                >
                  End session
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const Time = ({ iso }: { iso: string }) => <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X/, "macOS"],
  [/Linux/, "Linux"],
];

/** "Chrome on Linux" from a user agent; the agent itself when it names no known browser. */
function describeDevice(device: Session["device"]): string {
  const browser = BROWSERS.find(([pattern]) => pattern.test(device))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(device))?.[1];
  if (!browser) return device || "Unknown device";
  return system ? `${browser} on ${system}` : browser;
}
