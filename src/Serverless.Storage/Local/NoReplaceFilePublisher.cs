using System.Runtime.InteropServices;

namespace Serverless.Storage.Local;

/// <summary>
/// Gives a fully written staging file its final name only if that name is free, atomically.
/// File.Move(overwrite: false) is not enough on Unix: .NET checks that the destination is missing with lstat
/// and then calls rename(2), which replaces, so two racing creators can both "win". link(2) fails with EEXIST
/// atomically instead; renameat2(RENAME_NOREPLACE) covers Linux file systems without hard links. Windows'
/// MoveFileEx without REPLACE_EXISTING is already atomic, so File.Move serves there.
/// </summary>
internal static partial class NoReplaceFilePublisher
{
    private const int EEXIST = 17; // The same number on Linux, macOS and the BSDs.
    private const int AtFdCwd = -100;
    private const uint RenameNoReplace = 1;

    private static volatile bool linkUnsupported;
    private static volatile bool renameat2Unsupported;

    /// <summary>Moves <paramref name="stagingPath"/> to <paramref name="finalPath"/>; false when the final name is taken.</summary>
    public static bool TryPublish(string stagingPath, string finalPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return TryMoveWithoutReplace(stagingPath, finalPath);
        }

        if (!linkUnsupported)
        {
            if (link(stagingPath, finalPath) == 0)
            {
                File.Delete(stagingPath);
                return true;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == EEXIST)
            {
                return false;
            }

            if (!IsUnsupported(error))
            {
                throw new IOException(
                    $"Could not publish '{finalPath}' (link(2) failed with errno {error}: {Marshal.GetPInvokeErrorMessage(error)}).");
            }

            linkUnsupported = true;
        }

        if (OperatingSystem.IsLinux() && !renameat2Unsupported)
        {
            if (renameat2(AtFdCwd, stagingPath, AtFdCwd, finalPath, RenameNoReplace) == 0)
            {
                return true;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == EEXIST)
            {
                return false;
            }

            if (!IsUnsupported(error))
            {
                throw new IOException(
                    $"Could not publish '{finalPath}' (renameat2(2) failed with errno {error}: {Marshal.GetPInvokeErrorMessage(error)}).");
            }

            renameat2Unsupported = true;
        }

        // Neither primitive exists on this file system (e.g. some network mounts): the check-then-rename below
        // can let two simultaneous creators both succeed, which is the best such a file system allows.
        return TryMoveWithoutReplace(stagingPath, finalPath);
    }

    private static bool TryMoveWithoutReplace(string stagingPath, string finalPath)
    {
        try
        {
            File.Move(stagingPath, finalPath, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(finalPath))
        {
            return false;
        }
    }

    // EPERM, EINVAL, ENOSYS, EOPNOTSUPP (Linux 95, macOS 102), EMLINK: the file system cannot do it.
    private static bool IsUnsupported(int errno) => errno is 1 or 22 or 38 or 95 or 102 or 31;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldPath, string newPath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);
}
