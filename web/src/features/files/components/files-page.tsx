import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type DragEvent, type ReactNode } from "react";
import { Link } from "react-router";
import { ErrorMessage } from "@/components/error-message";
import { formatBytes, formatDate } from "@/lib/format";
import {
  createFolder,
  downloadFile,
  folderPath,
  trashFile,
  trashFolder,
  updateFile,
  updateFolder,
  type FileEntry,
  type FolderEntry,
  type SortKey,
  type Sorting,
} from "../api/files-api";
import { useFolderListing } from "../hooks/use-folder-listing";
import { MoveDialog } from "./move-dialog";
import { NameDialog } from "./name-dialog";
import { VersionsDialog } from "./versions-dialog";

type Row = { kind: "folder"; entry: FolderEntry } | { kind: "file"; entry: FileEntry };
type Dialog =
  | { kind: "new-folder" }
  | { kind: "rename"; row: Row }
  | { kind: "move"; row: Row }
  | { kind: "versions"; file: FileEntry }
  | undefined;

const DRAG_TYPE = "application/x-coffer-entry";
const ROW_HEIGHT = 56;
const SORTS: { key: SortKey; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "size", label: "Size" },
  { key: "updatedAt", label: "Modified" },
];

export type FilesPageProps = {
  /** A folder's id, or "root". */
  folderId: string;
  /** What the app adds beside the toolbar's own buttons (uploads). */
  toolbar?: (folder: FolderEntry) => ReactNode;
  /** What the app adds to each file's actions (sharing). */
  rowActions?: (file: { id: string; name: string }) => ReactNode;
};

/** A folder: breadcrumbs, search, sortable virtualized list, folder actions, drag and drop to move. */
export function FilesPage({ folderId, toolbar, rowActions }: FilesPageProps) {
  const queryClient = useQueryClient();
  const [sorting, setSorting] = useState<Sorting>({ sort: "name", order: "asc" });
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [dialog, setDialog] = useState<Dialog>();
  const [status, setStatus] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);

  const listing = useFolderListing(folderId, sorting, search);
  const first = listing.data?.pages[0];
  const folder = first?.folder;
  const crumbs = useQuery({
    queryKey: ["folder-path", folder?.id, folder?.parentId, folder?.name],
    queryFn: () => folderPath(folder!),
    enabled: folder !== undefined,
  });
  const rows: Row[] = [
    ...(first?.folders ?? []).map((entry): Row => ({ kind: "folder", entry })),
    ...(listing.data?.pages ?? []).flatMap((p) => p.files.map((entry): Row => ({ kind: "file", entry }))),
  ];

  const action = useMutation({
    mutationFn: async ({ run }: { run: () => Promise<unknown>; done: string }) => run(),
    onSuccess: async (_, { done }) => {
      setStatus(done);
      await queryClient.invalidateQueries();
    },
  });

  /** What a dialog does: its own errors stay in the dialog. */
  async function change(run: () => Promise<unknown>, done: string) {
    await run();
    setStatus(done);
    await queryClient.invalidateQueries();
  }

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (lastIndex >= rows.length - 40 && listing.hasNextPage && !listing.isFetchingNextPage)
      void listing.fetchNextPage();
  }, [lastIndex, rows.length, listing]);

  function moveInto(target: FolderEntry, event: DragEvent) {
    event.preventDefault();
    event.currentTarget.classList.remove("drop-over");
    const raw = event.dataTransfer.getData(DRAG_TYPE);
    if (!raw) return;
    const dragged = JSON.parse(raw) as { kind: Row["kind"]; id: string; name: string };
    if (dragged.id === target.id) return;
    action.mutate({
      run: () => move(dragged, target.id),
      done: `Moved ${dragged.name} to ${target.parentId === null ? "Files" : target.name}.`,
    });
  }
  const move = (item: { kind: Row["kind"]; id: string }, folderId: string) =>
    item.kind === "file" ? updateFile(item.id, { folderId }) : updateFolder(item.id, { parentId: folderId });
  const dropTarget = (target: FolderEntry) => ({
    onDragOver: (event: DragEvent) => {
      if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
      event.preventDefault();
      event.currentTarget.classList.add("drop-over");
    },
    onDragLeave: (event: DragEvent) => event.currentTarget.classList.remove("drop-over"),
    onDrop: (event: DragEvent) => moveInto(target, event),
  });

  const title = search ? `Search: ${search}` : folder && folder.parentId !== null ? folder.name : "Files";

  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <ol>
          {(crumbs.data ?? (folder ? [folder] : [])).map((crumb, index, all) => (
            <li key={crumb.id} {...dropTarget(crumb)}>
              {index === all.length - 1 ? (
                <span aria-current="page">{crumb.parentId === null ? "Files" : crumb.name}</span>
              ) : (
                <Link to={crumb.parentId === null ? "/" : `/folders/${crumb.id}`}>
                  {crumb.parentId === null ? "Files" : crumb.name}
                </Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <h1>{title}</h1>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="file-search" className="visually-hidden">
            Search files by name
          </label>
          <input
            id="file-search"
            type="search"
            placeholder="Search files by name"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
        </div>
        <button type="button" className="button button--secondary" onClick={() => setDialog({ kind: "new-folder" })}>
          New folder
        </button>
        {folder && toolbar?.(folder)}
      </div>
      <p className="visually-hidden" role="status">
        {status}
      </p>
      <ErrorMessage error={listing.error ?? action.error} />
      <div className="list-head" role="group" aria-label="Sort">
        {SORTS.map(({ key, label }) => {
          const active = sorting.sort === key;
          return (
            <button
              key={key}
              type="button"
              className={`sort sort--${key}`}
              aria-pressed={active}
              aria-label={`Sort by ${label.toLowerCase()}${active ? (sorting.order === "asc" ? ", ascending" : ", descending") : ""}`}
              onClick={() => setSorting({ sort: key, order: active && sorting.order === "asc" ? "desc" : "asc" })}
            >
              {label} {active ? (sorting.order === "asc" ? "▲" : "▼") : ""}
            </button>
          );
        })}
      </div>
      <div ref={scroller} className="rows" tabIndex={-1}>
        {listing.isPending && <p role="status">Loading…</p>}
        {!listing.isPending && rows.length === 0 && (
          <p className="empty">
            {search ? "No file has that name." : "This folder is empty. Drop files here to upload."}
          </p>
        )}
        <ul
          aria-label={search ? "Search results" : `Contents of ${title}`}
          style={{ height: virtualizer.getTotalSize() }}
        >
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <li
                key={row.entry.id}
                className={`row row--${row.kind}`}
                aria-setsize={listing.hasNextPage ? -1 : rows.length}
                aria-posinset={item.index + 1}
                data-index={item.index}
                ref={virtualizer.measureElement}
                style={{ transform: `translateY(${item.start}px)`, minHeight: ROW_HEIGHT }}
                draggable
                onDragStart={(event) => {
                  event.dataTransfer.setData(
                    DRAG_TYPE,
                    JSON.stringify({ kind: row.kind, id: row.entry.id, name: row.entry.name }),
                  );
                  event.dataTransfer.effectAllowed = "move";
                }}
                {...(row.kind === "folder" ? dropTarget(row.entry) : {})}
              >
                <span className="name">
                  {row.kind === "folder" ? (
                    <Link to={`/folders/${row.entry.id}`}>
                      <FolderIcon />
                      {row.entry.name}
                    </Link>
                  ) : (
                    row.entry.name
                  )}
                </span>
                <span className="size">{row.kind === "file" ? formatBytes(row.entry.size) : ""}</span>
                <span className="date">{formatDate(row.entry.updatedAt)}</span>
                <span className="actions">
                  {row.kind === "file" && (
                    <>
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Download ${row.entry.name}`}
                        onClick={() =>
                          action.mutate({
                            run: () => downloadFile(row.entry.id),
                            done: `Downloading ${row.entry.name}.`,
                          })
                        }
                      >
                        Download
                      </button>
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Versions of ${row.entry.name}`}
                        onClick={() => setDialog({ kind: "versions", file: row.entry })}
                      >
                        Versions
                      </button>
                      {rowActions?.(row.entry)}
                    </>
                  )}
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Rename ${row.entry.name}`}
                    onClick={() => setDialog({ kind: "rename", row })}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Move ${row.entry.name} to…`}
                    onClick={() => setDialog({ kind: "move", row })}
                  >
                    Move to…
                  </button>
                  <button
                    type="button"
                    className="link-button danger"
                    aria-label={`Delete ${row.entry.name}`}
                    onClick={() =>
                      action.mutate({
                        run: () => (row.kind === "file" ? trashFile(row.entry.id) : trashFolder(row.entry.id)),
                        done: `Moved ${row.entry.name} to the trash.`,
                      })
                    }
                  >
                    Delete
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      </div>
      {listing.isFetchingNextPage && <p role="status">Loading more…</p>}

      {dialog?.kind === "new-folder" && folder && (
        <NameDialog
          title="New folder"
          label="Folder name"
          submit="Create"
          onClose={() => setDialog(undefined)}
          onSubmit={(name) => change(() => createFolder(name, folder.id), `Created the folder ${name}.`)}
        />
      )}
      {dialog?.kind === "rename" && (
        <NameDialog
          title={`Rename ${dialog.row.entry.name}`}
          label="New name"
          initial={dialog.row.entry.name}
          submit="Rename"
          onClose={() => setDialog(undefined)}
          onSubmit={(name) =>
            change(
              () =>
                dialog.row.kind === "file"
                  ? updateFile(dialog.row.entry.id, { name })
                  : updateFolder(dialog.row.entry.id, { name }),
              `Renamed to ${name}.`,
            )
          }
        />
      )}
      {dialog?.kind === "move" && (
        <MoveDialog
          item={{
            kind: dialog.row.kind,
            id: dialog.row.entry.id,
            name: dialog.row.entry.name,
            parentId: dialog.row.kind === "file" ? dialog.row.entry.folderId : dialog.row.entry.parentId!,
          }}
          onClose={() => setDialog(undefined)}
          onMove={(target) =>
            change(
              () => move({ kind: dialog.row.kind, id: dialog.row.entry.id }, target.id),
              `Moved ${dialog.row.entry.name} to ${target.name}.`,
            )
          }
        />
      )}
      {dialog?.kind === "versions" && <VersionsDialog file={dialog.file} onClose={() => setDialog(undefined)} />}
    </>
  );
}

function FolderIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d="M3 6a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" fill="currentColor" />
    </svg>
  );
}
