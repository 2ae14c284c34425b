namespace Serverless.Testing;

/// <summary>
/// A temp folder with the immutable attribute (chattr +i): nothing can be created, renamed or deleted in it, even by
/// root, who ignores permission bits (tests run as root). Disposing clears the attribute and removes the folder.
/// </summary>
public sealed class ImmutableDirectory : IAsyncDisposable
{
    private readonly TempDirectory parent;

    private ImmutableDirectory(TempDirectory parent, string path)
    {
        this.parent = parent;
        Path = path;
    }

    /// <summary>The immutable folder (empty, or holding the files written before it was made immutable).</summary>
    public string Path { get; }

    public static async Task<ImmutableDirectory> CreateAsync(string prefix, params string[] files)
    {
        var parent = new TempDirectory(prefix);
        var path = System.IO.Path.Combine(parent.Path, "immutable");
        Directory.CreateDirectory(path);
        foreach (var file in files)
        {
            await File.WriteAllTextAsync(System.IO.Path.Combine(path, file), "kept");
        }

        var result = await ProcessRunner.RunAsync("chattr", ["+i", path]);
        if (result.ExitCode != 0)
        {
            parent.Dispose();
            throw new InvalidOperationException(
                $"chattr +i {path} failed ({result.StandardError.Trim()}): these tests need e2fsprogs and a file system with the immutable attribute (ext4, xfs, btrfs).");
        }

        return new ImmutableDirectory(parent, path);
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.RunAsync("chattr", ["-i", Path]);
        parent.Dispose();
    }
}
