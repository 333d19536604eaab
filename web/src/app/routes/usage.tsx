export function UsageRoute() {
  return <h1>Usage</h1>;
}
