import { useQuery } from "@tanstack/react-query";
import { ErrorMessage } from "@/components/error-message";
import { formatBytes } from "@/lib/format";
import { getUsage } from "../api/usage-api";

export function UsagePage() {
  const usage = useQuery({ queryKey: ["usage"], queryFn: getUsage });
  const data = usage.data;
  const percent = data && data.quotaBytes > 0 ? Math.min(100, Math.round((data.usedBytes / data.quotaBytes) * 100)) : 0;

  return (
    <>
      <h1>Usage</h1>
      <ErrorMessage error={usage.error} />
      {usage.isPending && <p role="status">Loading…</p>}
      {data && (
        <section className="panel" aria-labelledby="storage-title">
          <h2 id="storage-title">Storage</h2>
          <p>
            <strong>{formatBytes(data.usedBytes)}</strong> of {formatBytes(data.quotaBytes)} used ({percent} %)
          </p>
          <meter
            className="usage-meter"
            aria-label="Storage used"
            min={0}
            max={data.quotaBytes}
            low={data.quotaBytes * 0.8}
            high={data.quotaBytes * 0.95}
            optimum={0}
            value={data.usedBytes}
          />
          <dl>
            <dt>Files</dt>
            <dd>{data.fileCount}</dd>
            <dt>In the trash</dt>
            <dd>{formatBytes(data.trashBytes)}</dd>
          </dl>
          <p className="muted">Every version of a file counts, and so does the trash until it is emptied.</p>
        </section>
      )}
    </>
  );
}
