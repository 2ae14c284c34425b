namespace Serverless.Cdc.Writer;

/// <summary>
/// Where a partition writer asks for a table to be snapshotted again instead of stopping it, and learns of the lake tables
/// such snapshots create. The host serves the requests (a re-snapshot publishes the table and marks it complete at the
/// requested epoch); the writer holds the table meanwhile and catches it up from where it held it.
/// </summary>
public interface ISnapshotRequests
{
    /// <summary>Records the request durably (idempotent: the same request again replaces it).</summary>
    Task RequestAsync(SnapshotRequest request, CancellationToken cancellationToken);

    /// <summary>The requests not served yet for tables of partition <paramref name="partition"/>.</summary>
    Task<IReadOnlyList<SnapshotRequest>> PendingAsync(int partition, CancellationToken cancellationToken);

    /// <summary>The requested table as its lake table records it, or null while it has no lake table (a table renamed into the job).</summary>
    Task<WriterTable?> OpenAsync(SnapshotRequest request, CancellationToken cancellationToken);
}
