using Serverless.Storage;
using Serverless.Testing;
using Xunit;

namespace Serverless.Storage.Tests;

/// <summary>A full disk is reported as such, with the folder, the object, the free space and the fix.</summary>
public sealed class StorageFullTests
{
    [Fact]
    public void NoSpaceLeftFromTheKernelBecomesAStorageFullErrorNamingFolderObjectAndFix()
    {
        // Linux's /dev/full answers every write with ENOSPC, the same error a full file system gives.
        var enospc = Assert.ThrowsAny<IOException>(() =>
        {
            using var device = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            device.Write(new byte[4096]);
        });
        using var dir = new TempDirectory("storage-full");

        Assert.True(StorageFullException.IsDiskFull(enospc), $"HResult {enospc.HResult}: {enospc.Message}");
        var full = StorageFullException.From(enospc, dir.Path, "shop_orders/part-00000.snappy.parquet");

        Assert.NotNull(full);
        Assert.Same(enospc, full.InnerException);
        Assert.Equal("shop_orders/part-00000.snappy.parquet", full.Path);
        Assert.NotNull(full.FreeBytes);
        Assert.Contains(dir.Path, full.Message, StringComparison.Ordinal);
        Assert.Contains("part-00000.snappy.parquet", full.Message, StringComparison.Ordinal);
        Assert.Contains(" free)", full.Message, StringComparison.Ordinal);
        Assert.Contains("run the job again", full.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherInputOutputErrorsAreLeftAlone()
    {
        using var dir = new TempDirectory("storage-not-full");
        var missing = Assert.ThrowsAny<IOException>(() => File.ReadAllBytes(Path.Combine(dir.Path, "missing.json")));

        Assert.False(StorageFullException.IsDiskFull(missing));
        Assert.Null(StorageFullException.From(missing, dir.Path, "missing.json"));
        Assert.False(StorageFullException.IsDiskFull(new IOException("busy", 16)));
    }
}
