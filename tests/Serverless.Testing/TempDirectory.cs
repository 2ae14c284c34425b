namespace Serverless.Testing;

/// <summary>A folder under the system temp directory that is removed when disposed.</summary>
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
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
