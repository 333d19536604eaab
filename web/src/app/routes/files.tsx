import { useParams } from "react-router";

export function FilesRoute() {
  const { id } = useParams();
  return <h1>{id ? "Folder" : "Files"}</h1>;
}
