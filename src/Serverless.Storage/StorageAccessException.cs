namespace Serverless.Storage;

/// <summary>
/// A local store cannot write (or delete) where it is configured, for a reason retrying cannot fix: permission denied,
/// a read-only file system, a regular file where a folder must be, a path too long. The message names the object, the
/// offending path and the fix; <see cref="Reason"/> is the short form ("the folder is read-only") for callers that
/// word their own message around it (preflight).
/// </summary>
public sealed class StorageAccessException : IOException
{
    public StorageAccessException(string location, string objectPath, string operation, StorageAccessProblem problem, string offendingPath, Exception innerException)
        : base(BuildMessage(location, objectPath, operation, problem, offendingPath), innerException)
    {
        Location = location;
        ObjectPath = objectPath;
        Operation = operation;
        Problem = problem;
        OffendingPath = offendingPath;
    }

    /// <summary>The store's root.</summary>
    public string Location { get; }

    /// <summary>The object (relative to the root) the operation was for.</summary>
    public string ObjectPath { get; }

    /// <summary>"write" or "delete".</summary>
    public string Operation { get; }

    public StorageAccessProblem Problem { get; }

    /// <summary>The folder that refused the write, or the regular file standing where a folder must be.</summary>
    public string OffendingPath { get; }

    /// <summary>Why, in a few words, naming <see cref="OffendingPath"/> when it is not the root itself.</summary>
    public string Reason => ReasonFor(Location, Problem, OffendingPath);

    /// <summary>What to change so the write can succeed.</summary>
    public string Fix => FixFor(Problem, OffendingPath, "point the store at a writable folder");

    /// <summary>The fix, with <paramref name="alternative"/> (e.g. "point target.root elsewhere") as the way around it.</summary>
    public string FixOr(string alternative) => FixFor(Problem, OffendingPath, alternative);

    /// <summary>
    /// Classifies a failed local write of <paramref name="objectPath"/> under <paramref name="rootPath"/>: an exception
    /// saying what is wrong and how to fix it, or null when the failure is none of the permanent kinds (it may be
    /// transient, or a condition callers handle themselves: object exists, disk full).
    /// </summary>
    public static StorageAccessException? FromLocal(Exception exception, string rootPath, string objectPath, string operation)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(rootPath);
        ArgumentNullException.ThrowIfNull(objectPath);
        if (exception is StorageAccessException or StorageFullException or ObjectAlreadyExistsException or ObjectNotFoundException
            || exception is not (IOException or UnauthorizedAccessException))
        {
            return null;
        }

        var fullPath = objectPath.Length == 0 ? rootPath : Path.Combine(rootPath, objectPath.Replace('/', Path.DirectorySeparatorChar));

        // .NET reports ENOTDIR as "could not find a part of the path" (or EEXIST from mkdir), so look at the path
        // itself: a regular file among the object's ancestors is the cause whatever the error said.
        var existingFolder = rootPath;
        for (var folder = Path.GetDirectoryName(fullPath); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                return new StorageAccessException(rootPath, objectPath, operation, StorageAccessProblem.NotAFolder, folder, exception);
            }

            if (Directory.Exists(folder))
            {
                existingFolder = folder;
                break;
            }
        }

        StorageAccessProblem? problem = exception switch
        {
            UnauthorizedAccessException => StorageAccessProblem.PermissionDenied,
            PathTooLongException => StorageAccessProblem.PathTooLong,

            // Unix exceptions without a .NET type of their own carry the raw errno; EROFS is 30 on Linux and macOS.
            IOException { HResult: 30 } when !OperatingSystem.IsWindows() => StorageAccessProblem.ReadOnlyFileSystem,
            _ => null,
        };

        return problem is { } p ? new StorageAccessException(rootPath, objectPath, operation, p, existingFolder, exception) : null;
    }

    private static string ReasonFor(string location, StorageAccessProblem problem, string offendingPath)
    {
        var isRoot = string.Equals(Path.TrimEndingDirectorySeparator(offendingPath), Path.TrimEndingDirectorySeparator(location), StringComparison.Ordinal);
        return problem switch
        {
            StorageAccessProblem.NotAFolder => $"'{offendingPath}' is a regular file, not a folder",
            StorageAccessProblem.ReadOnlyFileSystem => isRoot ? "the folder is on a read-only file system" : $"'{offendingPath}' is on a read-only file system",
            StorageAccessProblem.PathTooLong => "the path is too long for the file system",
            _ => isRoot ? "the folder is read-only (permission denied)" : $"the folder '{offendingPath}' is read-only (permission denied)",
        };
    }

    private static string FixFor(StorageAccessProblem problem, string offendingPath, string alternative) => problem switch
    {
        StorageAccessProblem.NotAFolder => $"move or delete the file '{offendingPath}', or {alternative}",
        StorageAccessProblem.ReadOnlyFileSystem => $"remount the file system read-write, or {alternative}",
        StorageAccessProblem.PathTooLong => $"use a shorter folder path: {alternative}",
        _ => $"make '{offendingPath}' writable for this user (chmod/chown; chattr -i if it is immutable), or {alternative}",
    };

    private static string BuildMessage(string location, string objectPath, string operation, StorageAccessProblem problem, string offendingPath)
    {
        var what = objectPath.Length == 0 ? location : $"'{objectPath}' under {location}";
        return $"Cannot {operation} {what}: {ReasonFor(location, problem, offendingPath)}. Fix: {FixFor(problem, offendingPath, "point the store at a writable folder")}.";
    }
}
