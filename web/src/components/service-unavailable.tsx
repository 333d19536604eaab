/** A server Coffer needs is down (a 502, 503 or 504 on the way, or no network): said plainly, with a way to try again. */
export function ServiceUnavailable({ status }: { status?: number }) {
  return (
    <section className="panel" role="alert" aria-labelledby="unavailable-title">
      <h1 id="unavailable-title">Coffer is unavailable right now</h1>
      <p>
        {status ? `One of its services is not answering (${status}).` : "Coffer cannot be reached."} Your files are
        safe; please try again in a moment.
      </p>
      <button type="button" className="button" onClick={() => location.reload()}>
        Try again
      </button>
    </section>
  );
}
