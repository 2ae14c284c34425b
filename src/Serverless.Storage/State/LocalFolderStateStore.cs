using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

using Serverless.Storage.Local;

namespace Serverless.Storage.State;

/// <summary>
/// State entities as files: one folder per partition, one file per row holding the ETag, the timestamp and the JSON.
/// Writes to a partition hold an exclusive lock file (across threads and processes), write a staging file and rename
/// it into place, so readers need no lock and never see a torn entity.
/// </summary>
public sealed class LocalFolderStateStore : IStateStore
{
    private const string LockFileName = ".partition.lock";
    private const string EntitySuffix = ".entity";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public LocalFolderStateStore(string rootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        RootPath = Path.GetFullPath(rootPath);
        Directory.CreateDirectory(RootPath);
    }

    public string RootPath { get; }

    public string Location => RootPath;

    public async Task<StateEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        return await ReadAsync(partitionKey, rowKey, EntityPath(partitionKey, rowKey), cancellationToken).ConfigureAwait(false);
    }

    public Task<StateEntity> InsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default) =>
        WriteAsync(partitionKey, rowKey, json, current => current is null ? null : "an entity with these keys exists already", cancellationToken);

    public Task<StateEntity> UpsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default) =>
        WriteAsync(partitionKey, rowKey, json, _ => null, cancellationToken);

    public Task<StateEntity> ReplaceAsync(string partitionKey, string rowKey, string json, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return WriteAsync(partitionKey, rowKey, json, current => current is null ? "it does not exist (deleted meanwhile?)" : current.ETag != etag ? "it changed since it was read (ETag mismatch)" : null, cancellationToken);
    }

    public async IAsyncEnumerable<StateEntity> ListAsync(string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StateKeys.ValidateKey(partitionKey, "partition key", Location, nameof(partitionKey));
        var folder = PartitionFolder(partitionKey);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var rows = new List<(string RowKey, string Path)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*" + EntitySuffix))
        {
            var name = Path.GetFileName(file);
            rows.Add((DecodeKey(name[..^EntitySuffix.Length]), file));
        }

        rows.Sort(static (a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        foreach (var (rowKey, file) in rows)
        {
            var entity = await ReadAsync(partitionKey, rowKey, file, cancellationToken).ConfigureAwait(false);
            if (entity is not null)
            {
                yield return entity;
            }
        }
    }

    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, string? etag = null, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        var path = EntityPath(partitionKey, rowKey);
        if (!Directory.Exists(Path.GetDirectoryName(path)))
        {
            return false;
        }

        using var partitionLock = await LockPartitionAsync(partitionKey, cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(partitionKey, rowKey, path, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return false;
        }

        if (etag is not null && etag != current.ETag)
        {
            throw new StateConflictException(Location, partitionKey, rowKey, "it changed since it was read (ETag mismatch)");
        }

        File.Delete(path);
        return true;
    }

    private async Task<StateEntity> WriteAsync(string partitionKey, string rowKey, string json, Func<StateEntity?, string?> refusal, CancellationToken cancellationToken)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        StateKeys.ValidateJson(json, partitionKey, rowKey, Location);
        var path = EntityPath(partitionKey, rowKey);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var partitionLock = await LockPartitionAsync(partitionKey, cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(partitionKey, rowKey, path, cancellationToken).ConfigureAwait(false);
        if (refusal(current) is { } reason)
        {
            throw new StateConflictException(Location, partitionKey, rowKey, reason);
        }

        var entity = new StateEntity(partitionKey, rowKey, json, $"\"{Guid.NewGuid():N}\"", DateTimeOffset.UtcNow);
        var staging = Path.Combine(Path.GetDirectoryName(path)!, ObjectPaths.StagingFilePrefix + Guid.NewGuid().ToString("N"));
        try
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{entity.ETag}\n{entity.Timestamp:O}\n{json}");
            await File.WriteAllTextAsync(staging, text, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            File.Move(staging, path, overwrite: true);
        }
        catch (IOException e) when (StorageFullException.From(e, RootPath, $"{partitionKey}/{rowKey}") is { } full)
        {
            throw full;
        }
        finally
        {
            File.Delete(staging);
        }

        return entity;
    }

    private async Task<StateEntity?> ReadAsync(string partitionKey, string rowKey, string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var first = text.IndexOf('\n', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf('\n', first + 1);
        if (second < 0 || !DateTimeOffset.TryParse(text.AsSpan(first + 1, second - first - 1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var timestamp))
        {
            throw new InvalidDataException($"State file '{path}' is not in the expected form (ETag line, timestamp line, JSON); delete it or restore it from a backup.");
        }

        return new StateEntity(partitionKey, rowKey, text[(second + 1)..], text[..first], timestamp);
    }

    private Task<IDisposable> LockPartitionAsync(string partitionKey, CancellationToken cancellationToken) =>
        LocalFileLock.AcquireAsync(Path.Combine(PartitionFolder(partitionKey), LockFileName), $"state partition '{partitionKey}'", LockTimeout, cancellationToken);

    private string PartitionFolder(string partitionKey) => Path.Combine(RootPath, EncodeKey(partitionKey));

    private string EntityPath(string partitionKey, string rowKey) => Path.Combine(PartitionFolder(partitionKey), EncodeKey(rowKey) + EntitySuffix);

    /// <summary>Keys become file names: letters, digits, '-' and '_' stay; every other UTF-8 byte becomes '%XX'.</summary>
    private static string EncodeKey(string key)
    {
        var builder = new StringBuilder(key.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        if (builder.Length > 200)
        {
            throw new ArgumentException($"The key '{key}' is too long for a local state file name once encoded ({builder.Length} characters, limit 200); use a shorter key.", nameof(key));
        }

        return builder.ToString();
    }

    private static string DecodeKey(string name) => Uri.UnescapeDataString(name);
}
