namespace Serverless.Storage;

/// <summary>Why a local store cannot be written where it is configured; none of these goes away by retrying.</summary>
public enum StorageAccessProblem
{
    /// <summary>The operating system denied the write (EACCES/EPERM): permission bits, an ACL or the immutable attribute.</summary>
    PermissionDenied,

    /// <summary>The file system holding the folder is mounted read-only (EROFS).</summary>
    ReadOnlyFileSystem,

    /// <summary>A regular file sits where the store needs a folder (ENOTDIR, or EEXIST when creating the folder).</summary>
    NotAFolder,

    /// <summary>The object's full path is longer than the file system accepts (ENAMETOOLONG).</summary>
    PathTooLong,
}
