using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// An object store in one Blob storage container (optionally under a folder prefix) on the Azure SDK
/// (Azure.Storage.Blobs): Shared Key for connection strings and Azurite, Entra ID tokens from a
/// <see cref="TokenCredential"/> (managed identity) otherwise. Conditional create is Put Blob with If-None-Match: *.
/// </summary>
public sealed class AzureBlobObjectStore : IObjectStore
{
    /// <summary>The token scope for Blob storage data access.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    // Identifies the writer of a conditional create, so a retried request that lost its first answer recognises its own blob.
    internal const string WriterMetadata = "serverlesswriter";

    private readonly BlobContainerClient container;
    private readonly string rootPrefix;
    private readonly StorageTarget target;

    private AzureBlobObjectStore(Uri containerUri, string rootPrefix, StorageCredentialKind credentialKind, AzureBlobObjectStoreOptions? options, Func<Uri, BlobClientOptions, BlobContainerClient> connect)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        ArgumentNullException.ThrowIfNull(rootPrefix);
        Options = options ?? new AzureBlobObjectStoreOptions();
        Options.Validate();
        var containerUrl = containerUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (rootPrefix.Length > 0)
        {
            ObjectPaths.ValidatePrefix(rootPrefix, containerUrl);
        }

        this.rootPrefix = rootPrefix.Length == 0 || rootPrefix.EndsWith('/') ? rootPrefix : rootPrefix + "/";
        Location = rootPrefix.Length == 0 ? containerUrl : $"{containerUrl}/{this.rootPrefix.TrimEnd('/')}";
        target = new StorageTarget(Location, StorageService.Blob, credentialKind);
        container = connect(new Uri(containerUrl), Options);
    }

    public string Location { get; }

    internal AzureBlobObjectStoreOptions Options { get; }

    /// <summary>A store that signs requests with the storage account key (Azurite, or accounts with Shared Key enabled).</summary>
    public static AzureBlobObjectStore WithAccountKey(Uri containerUri, string accountName, string accountKey, string rootPrefix = "", AzureBlobObjectStoreOptions? options = null)
    {
        var credential = SharedKeys.ForBlob(accountName, accountKey);
        return new(containerUri, rootPrefix, StorageCredentialKind.AccountKey, options, (uri, o) => new BlobContainerClient(uri, credential, o));
    }

    /// <summary>A store that authenticates with Entra ID tokens, e.g. ManagedIdentityCredential or DefaultAzureCredential.</summary>
    public static AzureBlobObjectStore WithTokenCredential(Uri containerUri, TokenCredential credential, string rootPrefix = "", AzureBlobObjectStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new(containerUri, rootPrefix, StorageCredentialKind.Token, options, (uri, o) => new BlobContainerClient(uri, credential, o));
    }

    /// <summary>Creates the container; false when it already existed.</summary>
    public async Task<bool> CreateContainerAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await container.CreateAsync(PublicAccessType.None, metadata: null, encryptionScopeOptions: null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerAlreadyExists")
        {
            return false;
        }
        catch (Exception e) when (AzureStorageErrors.Translate(e, "Create Container", container.Uri.AbsoluteUri, target, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Deletes the container and everything in it; false when it did not exist.</summary>
    public async Task<bool> DeleteContainerAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await container.DeleteIfExistsAsync(conditions: null, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e) when (AzureStorageErrors.Translate(e, "Delete Container", container.Uri.AbsoluteUri, target, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        PutIfAbsentAsync(path, content, Guid.NewGuid().ToString("N"), cancellationToken);

    internal async Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, string writerId, CancellationToken cancellationToken)
    {
        var blob = Blob(path);
        try
        {
            var options = new BlobUploadOptions { Conditions = CreateOnly, Metadata = WriterTag(writerId) };
            var response = await blob.UploadAsync(BinaryData.FromBytes(content).ToStream(), options, cancellationToken).ConfigureAwait(false);
            return InfoFrom(path, content.Length, response.Value.ETag, response.Value.LastModified);
        }
        catch (RequestFailedException e) when (IsAlreadyExists(e))
        {
            return await ClaimOwnWriteOrThrowAsync(blob, path, writerId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Failure(e, "Put Blob (create only)", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        try
        {
            var response = await blob.UploadAsync(BinaryData.FromBytes(content).ToStream(), new BlobUploadOptions(), cancellationToken).ConfigureAwait(false);
            return InfoFrom(path, content.Length, response.Value.ETag, response.Value.LastModified);
        }
        catch (Exception e) when (Failure(e, "Put Blob", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<ObjectInfo> PutIfMatchAsync(string path, ReadOnlyMemory<byte> content, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var blob = Blob(path);
        try
        {
            var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(etag) } };
            var response = await blob.UploadAsync(BinaryData.FromBytes(content).ToStream(), options, cancellationToken).ConfigureAwait(false);
            return InfoFrom(path, content.Length, response.Value.ETag, response.Value.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 412 || IsBlobMissing(e))
        {
            throw new ObjectChangedException(Location, path, etag);
        }
        catch (Exception e) when (Failure(e, "Put Blob (if match)", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public Task<ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectWriteStream stream = new AzureBlobWriteStream(this, Blob(path), path, overwrite);
        return Task.FromResult(stream);
    }

    public async Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        try
        {
            using var download = (await blob.DownloadStreamingAsync(new BlobDownloadOptions(), cancellationToken).ConfigureAwait(false)).Value;
            return await ReadBodyAsync(download, path, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsBlobMissing(e))
        {
            throw new ObjectNotFoundException(Location, path);
        }
        catch (Exception e) when (Failure(e, "Get Blob", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            _ = await HeadAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(Location, path);
            return [];
        }

        var blob = Blob(path);
        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(offset, length) };
            using var download = (await blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false)).Value;
            return await ReadBodyAsync(download, path, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // The range starts at or after the end of the object.
            return [];
        }
        catch (RequestFailedException e) when (IsBlobMissing(e))
        {
            throw new ObjectNotFoundException(Location, path);
        }
        catch (Exception e) when (Failure(e, "Get Blob (range)", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        try
        {
            var properties = (await blob.GetPropertiesAsync(conditions: null, cancellationToken).ConfigureAwait(false)).Value;
            return InfoFrom(path, properties.ContentLength, properties.ETag, properties.LastModified);
        }
        catch (RequestFailedException e) when (IsBlobMissing(e))
        {
            return null;
        }
        catch (Exception e) when (Failure(e, "Get Blob Properties", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectPaths.ValidatePrefix(prefix, Location);
        var options = new GetBlobsOptions { Prefix = rootPrefix + prefix };
        var pages = container.GetBlobsAsync(options, cancellationToken).AsPages(continuationToken: null, pageSizeHint: Options.ListPageSize).GetAsyncEnumerator(cancellationToken);
        await using (pages.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception e) when (AzureStorageErrors.Translate(e, "List Blobs", $"prefix '{prefix}' in {Location}", target, cancellationToken) is { } failure)
                {
                    throw failure;
                }

                foreach (var item in pages.Current.Values)
                {
                    var properties = item.Properties;
                    yield return InfoFrom(item.Name[rootPrefix.Length..], properties.ContentLength ?? 0, properties.ETag, properties.LastModified ?? DateTimeOffset.MinValue);
                }
            }
        }
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var blob = Blob(path);
        try
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.None, conditions: null, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == "BlobNotFound")
        {
            // Deleting a missing object is not an error; a missing container is.
        }
        catch (Exception e) when (Failure(e, "Delete Blob", path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The condition of a create-only write: no blob of any version exists.</summary>
    internal static BlobRequestConditions CreateOnly => new() { IfNoneMatch = ETag.All };

    internal static Dictionary<string, string> WriterTag(string writerId) => new(StringComparer.Ordinal) { [WriterMetadata] = writerId };

    internal static bool IsAlreadyExists(RequestFailedException e) =>
        e.Status == 412 || (e.Status == 409 && e.ErrorCode == "BlobAlreadyExists");

    internal static ObjectInfo InfoFrom(string path, long size, ETag? etag, DateTimeOffset lastModified) =>
        new(path, size, lastModified, etag?.ToString("H"));

    /// <summary>The client of one object; the path is checked here, before any request.</summary>
    internal BlockBlobClient Blob(string path)
    {
        ObjectPaths.ValidatePath(path, Location);
        return container.GetBlockBlobClient(rootPrefix + path);
    }

    internal StorageRequestException? Failure(Exception exception, string operation, string path, CancellationToken cancellationToken) =>
        AzureStorageErrors.Translate(exception, operation, $"'{path}' in {Location}", target, cancellationToken);

    /// <summary>
    /// A conditional create answered "already exists". If a retry re-sent a request whose first attempt had in fact
    /// created the blob, the blob carries our writer id and the create succeeded; otherwise another writer won.
    /// </summary>
    internal async Task<ObjectInfo> ClaimOwnWriteOrThrowAsync(BlockBlobClient blob, string path, string writerId, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(conditions: null, cancellationToken).ConfigureAwait(false)).Value;
            if (properties.Metadata.TryGetValue(WriterMetadata, out var stored) && stored == writerId)
            {
                return InfoFrom(path, properties.ContentLength, properties.ETag, properties.LastModified);
            }
        }
        catch (RequestFailedException e) when (IsBlobMissing(e))
        {
            // Deleted since it stopped our create: it was someone else's, and the create still lost.
        }
        catch (Exception e) when (Failure(e, "Get Blob Properties", path, cancellationToken) is { } failure)
        {
            throw failure;
        }

        throw new ObjectAlreadyExistsException(Location, path);
    }

    private static bool IsBlobMissing(RequestFailedException e) => e.Status == 404 && e.ErrorCode is null or "BlobNotFound";

    private async Task<byte[]> ReadBodyAsync(BlobDownloadStreamingResult download, string path, CancellationToken cancellationToken)
    {
        var length = download.Details.ContentLength;
        if (length > Array.MaxLength)
        {
            throw new IOException($"Object '{path}' in {Location} is {length} bytes, too large to read whole; read it with GetRangeAsync in parts.");
        }

        var buffer = new byte[length];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await download.Content.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"The connection closed after {total} of {length} bytes of '{path}' in {Location}; retry the read.");
            }

            total += n;
        }

        return buffer;
    }
}
