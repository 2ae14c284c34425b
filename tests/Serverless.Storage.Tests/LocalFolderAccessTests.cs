using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Storage.Tests;

/// <summary>
/// Local writes that can never succeed fail as <see cref="StorageAccessException"/>, naming the path in the way and the
/// fix, so callers can tell them from failures worth retrying. Tests run as root, who ignores permission bits: a
/// read-only folder is made with the immutable attribute, and ENOTDIR with a regular file where a folder must be.
/// </summary>
public sealed class LocalFolderAccessTests
{
    [Fact]
    public async Task WriteUnderARegularFileFailsAsNotAFolderNamingTheFile()
    {
        using var dir = new TempDirectory("storage-notdir");
        var file = dir.File("plain.txt");
        await File.WriteAllTextAsync(file, "not a folder");
        var store = new LocalFolderObjectStore(Path.Combine(file, "lake"));

        var e = await Assert.ThrowsAsync<StorageAccessException>(() => store.PutIfAbsentAsync("t/_delta_log/00.json", "{}"u8.ToArray()));

        Assert.Equal(StorageAccessProblem.NotAFolder, e.Problem);
        Assert.Equal(file, e.OffendingPath);
        Assert.Contains($"'{file}' is a regular file, not a folder", e.Message, StringComparison.Ordinal);
        Assert.Contains("Fix: move or delete the file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamedWriteUnderARegularFileFailsTheSameWay()
    {
        using var dir = new TempDirectory("storage-notdir");
        var file = dir.File("plain.txt");
        await File.WriteAllTextAsync(file, "not a folder");
        var store = new LocalFolderObjectStore(dir.Path);

        var e = await Assert.ThrowsAsync<StorageAccessException>(() => store.OpenWriteAsync("plain.txt/part-0.parquet"));

        Assert.Equal(StorageAccessProblem.NotAFolder, e.Problem);
        Assert.Equal(file, e.OffendingPath);
    }

    [Fact]
    public async Task WriteIntoAnImmutableFolderFailsAsPermissionDeniedOnThatFolder()
    {
        await using var immutable = await ImmutableDirectory.CreateAsync("storage-immutable");
        var store = new LocalFolderObjectStore(immutable.Path);

        var e = await Assert.ThrowsAsync<StorageAccessException>(() => store.PutAsync("probe", "x"u8.ToArray()));

        Assert.Equal(StorageAccessProblem.PermissionDenied, e.Problem);
        Assert.Equal(immutable.Path, e.OffendingPath);
        Assert.Equal("the folder is read-only (permission denied)", e.Reason);
        Assert.Empty(Directory.EnumerateFileSystemEntries(immutable.Path));
    }

    [Fact]
    public async Task DeleteFromAnImmutableFolderFailsAsPermissionDeniedAndKeepsTheObject()
    {
        await using var immutable = await ImmutableDirectory.CreateAsync("storage-immutable", "kept.json");
        var store = new LocalFolderObjectStore(immutable.Path);

        var e = await Assert.ThrowsAsync<StorageAccessException>(() => store.DeleteAsync("kept.json"));

        Assert.Equal("delete", e.Operation);
        Assert.Equal(StorageAccessProblem.PermissionDenied, e.Problem);
        Assert.NotNull(await store.HeadAsync("kept.json"));
    }

    [Fact]
    public async Task AnExistingObjectIsNotAnAccessProblem()
    {
        using var dir = new TempDirectory("storage-exists");
        var store = new LocalFolderObjectStore(dir.Path);
        await store.PutIfAbsentAsync("a", "1"u8.ToArray());

        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => store.PutIfAbsentAsync("a", "2"u8.ToArray()));
    }
}
