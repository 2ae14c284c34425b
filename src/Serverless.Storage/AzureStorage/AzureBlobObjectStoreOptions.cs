using Azure.Storage.Blobs;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// Tuning for <see cref="AzureBlobObjectStore"/>: the SDK's <see cref="BlobClientOptions"/> (service version, retries,
/// timeouts, transport, diagnostics) with longer retries than the SDK's default, and the store's paging and upload sizes.
/// </summary>
public sealed class AzureBlobObjectStoreOptions : BlobClientOptions
{
    /// <summary>The largest block this store stages; the service accepts far larger ones (4000 MiB).</summary>
    public const int MaxBlockSize = 100 * 1024 * 1024;

    /// <summary>Options for the newest Blob service version this SDK speaks.</summary>
    public AzureBlobObjectStoreOptions()
    {
        StorageRetries.Apply(Retry, TimeSpan.FromSeconds(100));
    }

    /// <summary>Options pinned to an older Blob service version, e.g. for an emulator that refuses newer ones.</summary>
    public AzureBlobObjectStoreOptions(ServiceVersion version)
        : base(version)
    {
        StorageRetries.Apply(Retry, TimeSpan.FromSeconds(100));
    }

    /// <summary>Objects per List Blobs page (the service caps a page at 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>Streamed uploads up to this size go in one Put Blob; larger ones in staged blocks of this size.</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Blocks of one streamed upload that may be in flight at once.</summary>
    public int MaxConcurrentBlockUploads { get; set; } = 4;

    internal void Validate()
    {
        if (ListPageSize is < 1 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(ListPageSize), ListPageSize, "List page size must be between 1 and 5000 (the service's maxresults limit).");
        }

        if (BlockSize is < 1 or > MaxBlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize, $"Block size must be between 1 byte and {MaxBlockSize} bytes.");
        }

        if (MaxConcurrentBlockUploads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentBlockUploads), MaxConcurrentBlockUploads, "At least one block upload must be allowed in flight.");
        }
    }
}
