using System.Globalization;
using System.IO.Enumeration;
using System.Runtime.CompilerServices;

namespace Serverless.Storage.Local;

/// <summary>
/// An object store in a local folder. Objects are written to a staging file beside their final name and
/// published by an atomic rename (replace) or an atomic no-replace link (create-new), so a reader never sees a
/// half-written object and exactly one of several concurrent creators wins. Staging files are never listed.
/// </summary>
public sealed class LocalFolderObjectStore : IObjectStore
{
    public LocalFolderObjectStore(string rootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        // The root is created by the first write, not here: a reader given a mistyped path must not leave an empty folder behind.
        RootPath = Path.GetFullPath(rootPath);
    }

    /// <summary>The absolute folder that holds the objects.</summary>
    public string RootPath { get; }

    public string Location => RootPath;

    public async Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        try
        {
            var finalPath = ResolveForWrite(path);
            var stagingPath = NewStagingPath(finalPath);
            try
            {
                await WriteStagingFileAsync(stagingPath, content, path, cancellationToken).ConfigureAwait(false);
                var info = Describe(path, new FileInfo(stagingPath));
                if (!NoReplaceFilePublisher.TryPublish(stagingPath, finalPath))
                {
                    throw new ObjectAlreadyExistsException(Location, path);
                }

                return info;
            }
            finally
            {
                DeleteIfPresent(stagingPath);
            }
        }
        catch (Exception e) when (StorageAccessException.FromLocal(e, RootPath, path, "write") is { } denied)
        {
            throw denied;
        }
    }

    public async Task<ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        try
        {
            var finalPath = ResolveForWrite(path);
            var stagingPath = NewStagingPath(finalPath);
            try
            {
                await WriteStagingFileAsync(stagingPath, content, path, cancellationToken).ConfigureAwait(false);
                var info = Describe(path, new FileInfo(stagingPath));
                File.Move(stagingPath, finalPath, overwrite: true);
                return info;
            }
            finally
            {
                DeleteIfPresent(stagingPath);
            }
        }
        catch (Exception e) when (StorageAccessException.FromLocal(e, RootPath, path, "write") is { } denied)
        {
            throw denied;
        }
    }

    public async Task<ObjectInfo> PutIfMatchAsync(string path, ReadOnlyMemory<byte> content, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            var finalPath = ResolveForWrite(path);

            // Compare and replace under a lock that every conditional writer of this object takes (one lock file per
            // object, named like staging files so listings never show it). Unconditional writers do not take it.
            var lockPath = Path.Combine(Path.GetDirectoryName(finalPath)!, ObjectPaths.StagingFilePrefix + "lock-" + Path.GetFileName(finalPath));
            using var exclusive = await LocalFileLock.AcquireAsync(lockPath, $"object '{path}' in {Location}", LocalFileLock.DefaultTimeout, cancellationToken).ConfigureAwait(false);
            var current = new FileInfo(finalPath);
            if (!current.Exists || ETagOf(current) != etag)
            {
                throw new ObjectChangedException(Location, path, etag);
            }

            var stagingPath = NewStagingPath(finalPath);
            try
            {
                await WriteStagingFileAsync(stagingPath, content, path, cancellationToken).ConfigureAwait(false);

                // The ETag is the modification time and length. The kernel stamps files from a coarse clock (a few ms), so
                // a quick rewrite of the same length could keep the old ETag and let a stale writer win: stamp the new
                // version at least one tick after the one it replaces.
                var stamp = new DateTime(Math.Max(DateTime.UtcNow.Ticks, current.LastWriteTimeUtc.Ticks + 1), DateTimeKind.Utc);
                File.SetLastWriteTimeUtc(stagingPath, stamp);
                var info = Describe(path, new FileInfo(stagingPath));
                File.Move(stagingPath, finalPath, overwrite: true);
                return info;
            }
            finally
            {
                DeleteIfPresent(stagingPath);
            }
        }
        catch (Exception e) when (StorageAccessException.FromLocal(e, RootPath, path, "write") is { } denied)
        {
            throw denied;
        }
    }

    public Task<ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var finalPath = ResolveForWrite(path);
            ObjectWriteStream stream = new LocalFolderWriteStream(this, path, finalPath, NewStagingPath(finalPath), overwrite);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (StorageAccessException.FromLocal(e, RootPath, path, "write") is { } denied)
        {
            throw denied;
        }
    }

    public async Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var handle = OpenForRead(path);
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
        {
            throw new IOException(
                $"Object '{path}' in {Location} is {length} bytes, too large to read whole; read it with GetRangeAsync in parts.");
        }

        var buffer = new byte[length];
        var read = await ReadFullyAsync(handle, buffer, 0, cancellationToken).ConfigureAwait(false);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    public async Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        using var handle = OpenForRead(path);
        var available = RandomAccess.GetLength(handle) - offset;
        if (available <= 0 || length == 0)
        {
            return [];
        }

        var buffer = new byte[(int)Math.Min(length, available)];
        var read = await ReadFullyAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    public Task<ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(Resolve(path));
        return Task.FromResult(file.Exists ? Describe(path, file) : null);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectPaths.ValidatePrefix(prefix, Location);
        var lastSlash = prefix.LastIndexOf('/');
        var startFolder = lastSlash < 0 ? string.Empty : prefix[..(lastSlash + 1)];
        foreach (var info in Walk(startFolder, prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return info;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            File.Delete(Resolve(path));
        }
        catch (DirectoryNotFoundException)
        {
            // The parent folder is gone, so the object is too: deleting a missing object is not an error.
        }
        catch (Exception e) when (StorageAccessException.FromLocal(e, RootPath, path, "delete") is { } denied)
        {
            throw denied;
        }

        return Task.CompletedTask;
    }

    internal static ObjectInfo Describe(string path, FileInfo file) =>
        new(path, file.Length, file.LastWriteTimeUtc, ETagOf(file));

    internal static void DeleteIfPresent(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task WriteStagingFileAsync(string stagingPath, ReadOnlyMemory<byte> content, string objectPath, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(stagingPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);

                // Durable before visible: a crash after the rename must not leave an empty or torn object.
                stream.Flush(flushToDisk: true);
            }
        }
        catch (IOException e) when (StorageFullException.From(e, RootPath, objectPath) is { } full)
        {
            throw full;
        }
    }

    private static string ETagOf(FileInfo file) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\"");

    private static string NewStagingPath(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, ObjectPaths.StagingFilePrefix + Guid.NewGuid().ToString("N"));

    private static async Task<int> ReadFullyAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] buffer, long offset, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(total), offset + total, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private Microsoft.Win32.SafeHandles.SafeFileHandle OpenForRead(string path)
    {
        var fullPath = Resolve(path);
        try
        {
            return File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            throw new ObjectNotFoundException(Location, path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(Location, path);
        }
    }

    private string Resolve(string path)
    {
        ObjectPaths.ValidatePath(path, Location);
        return Path.Combine(RootPath, path.Replace('/', Path.DirectorySeparatorChar));
    }

    private string ResolveForWrite(string path)
    {
        var fullPath = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        return fullPath;
    }

    /// <summary>
    /// Yields files under <paramref name="relativeFolder"/> whose path starts with <paramref name="prefix"/>, in ordinal
    /// order of the full path. Sorting each folder's entries by name, with folders keyed as "name/", gives the global
    /// ordinal order without collecting the whole tree: a folder's paths all share the "name/" start.
    /// </summary>
    private IEnumerable<ObjectInfo> Walk(string relativeFolder, string prefix)
    {
        var folder = new DirectoryInfo(Path.Combine(RootPath, relativeFolder));
        if (!folder.Exists)
        {
            yield break;
        }

        // Only names that can lead to the prefix are materialized: the filter runs on the raw directory entry, so
        // a narrow prefix in a folder of many files (a long _delta_log) costs a directory read, not an object each.
        var rest = prefix.Length > relativeFolder.Length ? prefix[relativeFolder.Length..] : string.Empty;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var onlyFolder = slash >= 0 ? rest[..slash] : null;
        var matches = new FileSystemEnumerable<(string Name, bool IsFolder)>(
            folder.FullName,
            static (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory))
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) =>
                !e.FileName.StartsWith(ObjectPaths.StagingFilePrefix, StringComparison.Ordinal)
                && (onlyFolder is null
                    ? e.FileName.StartsWith(rest, StringComparison.Ordinal)
                    : e.IsDirectory && e.FileName.SequenceEqual(onlyFolder)),
        };

        var entries = new List<(string Key, FileSystemInfo Entry)>();
        foreach (var (name, isFolder) in matches)
        {
            var key = isFolder ? relativeFolder + name + "/" : relativeFolder + name;
            FileSystemInfo entry = isFolder ? new DirectoryInfo(Path.Combine(folder.FullName, name)) : new FileInfo(Path.Combine(folder.FullName, name));
            entries.Add((key, entry));
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (key, entry) in entries)
        {
            if (entry is FileInfo file)
            {
                file.Refresh();
                if (file.Exists)
                {
                    yield return Describe(key, file);
                }
            }
            else
            {
                foreach (var nested in Walk(key, prefix))
                {
                    yield return nested;
                }
            }
        }
    }
}
