import { useSyncExternalStore } from "react";
import { uploader, type Upload } from "./uploader";

const subscribe = (listener: () => void) => {
  uploader.on("state-update", listener);
  return () => void uploader.off("state-update", listener);
};

/** The uploads of the tab, as they progress. */
export function useUploads(): Upload[] {
  const files = useSyncExternalStore(subscribe, () => uploader.getState().files);
  return Object.values(files);
}
