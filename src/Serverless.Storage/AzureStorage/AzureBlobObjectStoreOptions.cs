using Azure.Core;

namespace Serverless.Storage.AzureStorage;

/// <summary>Tuning for <see cref="AzureBlobObjectStore"/>; retries, timeouts and diagnostics come from <see cref="ClientOptions"/>.</summary>
public sealed class AzureBlobObjectStoreOptions : ClientOptions
{
    /// <summary>The largest block (and the largest single-request upload) accepted by the service for this API version is far above this.</summary>
    public const int MaxBlockSize = 100 * 1024 * 1024;

    public AzureBlobObjectStoreOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 6;
        Retry.Delay = TimeSpan.FromMilliseconds(400);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
    }

    /// <summary>The x-ms-version sent with every request.</summary>
    public string ServiceVersion { get; set; } = "2021-12-02";

    /// <summary>maxresults of each List Blobs page (the service caps it at 5000).</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>Streamed uploads up to this size go in one Put Blob; larger ones in blocks of this size.</summary>
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
