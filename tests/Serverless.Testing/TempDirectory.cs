namespace Serverless.Testing;

/// <summary>
/// A folder under the system temp directory that is removed when disposed, unless <c>SERVERLESS_KEEP_TEST_FOLDERS=1</c>
/// keeps it for a look at what a failed test left (lake tables, change logs, state).
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <param name="prefix">Start of the folder's name.</param>
    /// <param name="parent">Folder to create it in (e.g. /dev/shm for a memory file system); the temp folder by default.</param>
    public TempDirectory(string? prefix = null, string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), $"{prefix ?? "serverless-test"}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("SERVERLESS_KEEP_TEST_FOLDERS") == "1")
        {
            Console.Error.WriteLine($"kept test folder {Path}");
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
