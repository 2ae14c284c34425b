using Serverless.Delta;
using Serverless.Delta.Log;
using Serverless.Storage;

namespace Serverless.Cli.Delta;

/// <summary>Turns a TABLE_URI (folder, file://, Blob URL, connection string) into a table and loads the snapshot a command asks for.</summary>
internal static class TableSource
{
    public static TableLocation Open(string tableUri)
    {
        // LocalFolderObjectStore creates its root folder; a reader must not leave an empty folder behind for a mistyped path.
        if (LocalFolderOf(tableUri) is { } folder && !Directory.Exists(folder))
        {
            throw new CommandFailedException($"'{tableUri}' is not a Delta table: the folder {folder} does not exist. Give the table's root folder (the one that contains _delta_log).");
        }

        IObjectStore store;
        try
        {
            store = ObjectStoreLocation.Open(tableUri);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"TABLE_URI '{tableUri}' cannot be opened: {e.Message}", e);
        }

        // Local tables written by Spark may name files by absolute file: URIs; give the reader the root's URI so it can resolve them.
        var absolute = store is Serverless.Storage.Local.LocalFolderObjectStore local ? new Uri(Path.GetFullPath(local.RootPath)).AbsoluteUri : null;
        return new TableLocation(store, string.Empty, absolute);
    }

    /// <summary>The folder a location names when ObjectStoreLocation.Open would open it as a local folder (mirrors its rules); null for Blob locations.</summary>
    internal static string? LocalFolderOf(string location)
    {
        var text = location.Trim();
        var isConnectionString = text.Contains('=', StringComparison.Ordinal)
            && (text.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
                || text.Contains("UseDevelopmentStorage=", StringComparison.OrdinalIgnoreCase)
                || text.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase));
        if (isConnectionString || text.Length == 0)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.IsFile)
        {
            return uri.LocalPath;
        }

        return text.Contains("://", StringComparison.Ordinal) ? null : Path.GetFullPath(text);
    }

    /// <summary>The snapshot at <paramref name="version"/>, at <paramref name="timestamp"/>, or the latest; errors name the table and the versions it has.</summary>
    public static async Task<Snapshot> LoadAsync(string tableUri, long? version, DateTimeOffset? timestamp, CancellationToken cancellationToken)
    {
        var table = Open(tableUri);
        var log = new DeltaLog(table);
        try
        {
            return timestamp is { } at
                ? await log.LoadAtTimestampAsync(at, cancellationToken).ConfigureAwait(false)
                : await log.LoadAsync(version, cancellationToken).ConfigureAwait(false);
        }
        catch (DeltaLogException e)
        {
            // Explain with the versions the table has; the log's own message stands when it is about something else (a gap, a V2 checkpoint).
            var range = TableVersionRange.FromListing(await log.ListAsync(cancellationToken).ConfigureAwait(false));
            if (range is null)
            {
                throw NotATable(tableUri, table, e);
            }

            if (version is { } v && !range.Contains(v))
            {
                throw new CommandFailedException($"Table '{tableUri}' has no version {v}; {range}. Pick one of those (`serverless delta log {tableUri}` lists them).", e);
            }

            throw;
        }
    }

    /// <summary>The log listing and version range, or a "not a Delta table" error.</summary>
    public static async Task<(DeltaLog Log, IReadOnlyList<LogFile> Listing, TableVersionRange Range)> ListAsync(string tableUri, CancellationToken cancellationToken)
    {
        var table = Open(tableUri);
        var log = new DeltaLog(table);
        var listing = await log.ListAsync(cancellationToken).ConfigureAwait(false);
        var range = TableVersionRange.FromListing(listing) ?? throw NotATable(tableUri, table, null);
        return (log, listing, range);
    }

    private static CommandFailedException NotATable(string tableUri, TableLocation table, Exception? inner)
    {
        var message = $"'{tableUri}' is not a Delta table: {table.Store.Location}/{table.LogFolder} holds no commit or checkpoint. " +
            "Give the table's root folder (the one that contains _delta_log), or create the table first.";
        return inner is null ? new CommandFailedException(message) : new CommandFailedException(message, inner);
    }
}
