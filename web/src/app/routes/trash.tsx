export function TrashRoute() {
  return <h1>Trash</h1>;
}
