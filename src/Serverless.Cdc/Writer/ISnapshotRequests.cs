namespace Serverless.Cdc.Writer;

/// <summary>
/// Where a partition writer asks for a table to be snapshotted again instead of stopping it, and learns of the lake tables
/// such snapshots create. The host serves the requests (a re-snapshot publishes the table and marks it complete at the
/// requested epoch); the writer holds the table meanwhile and catches it up from where it held it. It also opens lake tables
/// the writer was not given (see <see cref="OpenAsync"/>).
/// </summary>
public interface ISnapshotRequests
{
    /// <summary>Records the request durably (idempotent: the same request again replaces it).</summary>
    Task RequestAsync(SnapshotRequest request, CancellationToken cancellationToken);

    /// <summary>The requests not served yet for tables of partition <paramref name="partition"/>.</summary>
    Task<IReadOnlyList<SnapshotRequest>> PendingAsync(int partition, CancellationToken cancellationToken);

    /// <summary>
    /// The table <c>database.table</c> as its lake table records it (mapped by the recorded source schema), or null while it
    /// has none: a requested table once its re-snapshot created it, or a table the source no longer has (dropped) whose
    /// changes before the DROP a restarted writer meets again.
    /// </summary>
    Task<WriterTable?> OpenAsync(string database, string table, CancellationToken cancellationToken);
}
