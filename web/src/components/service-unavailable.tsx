/** A server Coffer needs is down: said plainly, with a way to try again. */
export function ServiceUnavailable() {
  return (
    <section className="panel" role="alert" aria-labelledby="unavailable-title">
      <h1 id="unavailable-title">Coffer is unavailable right now</h1>
      <p>One of its services is not answering (503). Your files are safe; please try again in a moment.</p>
      <button type="button" className="button" onClick={() => location.reload()}>
        Try again
      </button>
    </section>
  );
}
