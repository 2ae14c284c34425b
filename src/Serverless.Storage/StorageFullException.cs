namespace Serverless.Storage;

/// <summary>
/// The file system under a local store ran out of space (or quota) while an object was written. Nothing half-written
/// became visible: objects are published only when complete. The message names the folder, the object, the free
/// space left and what to do.
/// </summary>
public sealed class StorageFullException : IOException
{
    public StorageFullException(string location, string path, long? freeBytes, Exception innerException)
        : base(
            $"The disk under {location} is full: writing '{path}' failed ({(freeBytes is { } free ? FormatBytes(free) + " free" : "free space unknown")}). " +
            "Free space there, or point the job's target root (or state folder) at a larger disk, then run the job again: " +
            "what was committed is kept and the job resumes where it stopped.",
            innerException)
    {
        Location = location;
        Path = path;
        FreeBytes = freeBytes;
    }

    /// <summary>The store's root folder.</summary>
    public string Location { get; }

    /// <summary>The object (relative to the root) being written.</summary>
    public string Path { get; }

    /// <summary>Bytes still available to this process on that file system, when it could be asked.</summary>
    public long? FreeBytes { get; }

    /// <summary>
    /// Whether <paramref name="exception"/> is the operating system saying the disk or the user's quota is full:
    /// ENOSPC/EDQUOT on Linux (28/122) and macOS (28/69), ERROR_DISK_FULL/ERROR_HANDLE_DISK_FULL on Windows.
    /// </summary>
    public static bool IsDiskFull(IOException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.HResult switch
        {
            28 => !OperatingSystem.IsWindows(),
            122 => OperatingSystem.IsLinux(),
            69 => OperatingSystem.IsMacOS(),
            unchecked((int)0x80070070) or unchecked((int)0x80070027) => true,
            _ => false,
        };
    }

    /// <summary>Wraps a disk-full <paramref name="exception"/> with the folder's free space; null for other errors.</summary>
    public static StorageFullException? From(IOException exception, string location, string path)
    {
        if (exception is StorageFullException || !IsDiskFull(exception))
        {
            return null;
        }

        long? free;
        try
        {
            free = new DriveInfo(location).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            free = null;
        }

        return new StorageFullException(location, path, free, exception);
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        _ => $"{bytes:N0} bytes",
    };
}
