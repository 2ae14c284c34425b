namespace Serverless.Storage.Local;

/// <summary>
/// An exclusive lock between threads and processes on one machine, held as an open lock file: FileShare.None is an
/// advisory flock on Unix and a sharing lock on Windows, and the OS drops it when its holder dies, so a crash never
/// leaves it taken. The lock file itself stays (deleting it while others wait would let two holders in).
/// </summary>
internal static class LocalFileLock
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits for the lock; <paramref name="what"/> names the locked thing in the error when it stays taken.</summary>
    public static async Task<IDisposable> AcquireAsync(string lockPath, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 1;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new IOException($"Could not lock {what} ({lockPath}) within {timeout.TotalSeconds:0} s; another process holds it. Stop the other process, or remove the lock file if none runs.", e);
            }
        }
    }
}
