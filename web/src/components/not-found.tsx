import { Link } from "react-router";

export function NotFound() {
  return (
    <section className="panel">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/">Go to your files</Link>
    </section>
  );
}
